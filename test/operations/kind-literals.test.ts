import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { operationKinds } from '../../src/operations/registry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const REGISTRY = 'src/operations/registry.ts';

/** A kind's folder: its name with hyphens, e.g. src/operations/publish-release/. */
const folderOf = (kind: string) => `src/operations/${kind.replaceAll('_', '-')}/`;

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.posix.join(folder, file.split(path.sep).join('/')));
}

/** The text of every string literal and template part in a file, with its line. */
function literals(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(path.join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const found: { text: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ text: node.text, line });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every place a kind's name is written as a literal outside its own folder and the registry. */
function strayKindLiterals(files: readonly string[]): string[] {
  const stray: string[] = [];
  for (const file of files) {
    if (file === REGISTRY) continue;
    for (const { text, line } of literals(file)) {
      for (const kind of operationKinds) {
        const named = new RegExp(`\\b${kind}\\b`).test(text);
        if (named && !file.startsWith(folderOf(kind))) stray.push(`${file}:${line} ${kind}`);
      }
    }
  }
  return stray;
}

describe('operation kinds are named only by their own modules', () => {
  it('each registered kind has its folder', () => {
    for (const kind of operationKinds) expect(sourceFiles(folderOf(kind)), kind).not.toEqual([]);
  });

  it('no kind appears as a string literal in src/ or bench/ outside its folder and the registry', () => {
    expect(strayKindLiterals([...sourceFiles('src'), ...sourceFiles('bench')])).toEqual([]);
  });
});
