import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindRecordFields } from '../../src/operations/record-fields.js';
import { operationKinds, operationModules, operationOf, planFor } from '../../src/operations/registry.js';
import { parseOperationRequest } from '../../src/receipts/index.js';

const root = (file: string) => readFileSync(path.resolve(import.meta.dirname, '../..', file), 'utf8');
const doc = (name: string) => root(`docs/${name}`);

/** The rows of the markdown table whose header row starts with `| <first> `, as trimmed cells. */
function table(markdown: string, first: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${first} `));
  expect(start, `a table headed "${first}"`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const codeNames = (cell: string) => [...cell.matchAll(/[`"]([a-z_]+)[`"]/g)].map((match) => match[1] ?? '');

describe('the registry', () => {
  it('holds each kind once, and each example request is valid and planned', () => {
    expect(sorted(operationKinds)).toHaveLength(operationModules.length);
    for (const module of operationModules) {
      const parsed = parseOperationRequest(module.example);
      expect(parsed, module.kind).toEqual({ ok: true, request: module.example });
      const { example } = module;
      expect(planFor(example).length).toBe(operationOf(example).views(example).length);
    }
  });

  it("composes the audit record's kind fields of exactly its modules' record fields", () => {
    const declared = Object.assign({}, ...operationModules.map((module) => module.record));
    expect(kindRecordFields).toEqual(declared);
    const names = operationModules.flatMap((module) => Object.keys(module.record));
    expect(names, 'no two kinds declare the same field').toHaveLength(new Set(names).size);
  });
});

/** The kinds a sentence names, between two phrases of it (line breaks as spaces). */
function kindsBetween(markdown: string, from: string, to: string): string[] {
  const text = markdown.replace(/\s+/g, ' ');
  const start = text.indexOf(from);
  expect(start, `"${from}"`).toBeGreaterThan(-1);
  return codeNames(text.slice(start + from.length, text.indexOf(to, start)));
}

describe('the docs list exactly the registered kinds', () => {
  it('README.md and docs/concepts.md name each kind in prose', () => {
    expect(sorted(kindsBetween(root('README.md'), 'one GitHub operation at a time (', ')'))).toEqual(
      sorted(operationKinds),
    );
    expect(sorted(kindsBetween(doc('concepts.md'), 'An **operation request** is one of', ', each'))).toEqual(
      sorted(operationKinds),
    );
  });

  it('docs/github-adoption.md: the adoption table has rows for each kind', () => {
    const kinds = table(doc('github-adoption.md'), 'Existing object').flatMap(([object = '']) =>
      codeNames(object),
    );
    expect(sorted(kinds)).toEqual(sorted(operationKinds));
  });

  it('docs/receipt-format.md: the request table has rows for each kind, and operation_kind names them all', () => {
    const rows = table(doc('receipt-format.md'), 'kind');
    const kinds = rows.map(([kind = '']) => kind).filter((kind) => kind !== 'all');
    expect(sorted(kinds)).toEqual(sorted(operationKinds));
    const operationKind = rows.find(([, member]) => member === '`operation_kind`');
    expect(sorted(codeNames(operationKind?.[2] ?? ''))).toEqual(sorted(operationKinds));
  });

  it('docs/github-app.md: the permission table gives each kind its module’s permission', () => {
    const rows = table(doc('github-app.md'), 'operation');
    const documented = rows.flatMap(([kinds = '', permission = '']) =>
      codeNames(kinds).map((kind) => [kind, permission.replace(/`/g, '')]),
    );
    const registered = operationModules.map((module) => [module.kind, `${module.permission}: write`]);
    expect(sorted(documented.map((pair) => pair.join(' ')))).toEqual(
      sorted(registered.map((pair) => pair.join(' '))),
    );
  });
});
