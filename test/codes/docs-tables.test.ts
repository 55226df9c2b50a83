import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allCodes, codeTables, isCode, meaningOf } from '../../src/codes.js';

/** A code table: a markdown table whose first column is headed by one of these. */
const CODE_COLUMNS = new Set([
  'code',
  'reason code',
  'not-shipped code',
  'refusal code',
  'waiting code',
  'policy code',
  'failure code',
  'failure type',
]);

interface CodeRow {
  file: string;
  column: string;
  code: string;
  meaning?: string;
}

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

function codeRows(file: string, text: string): CodeRow[] {
  const rows: CodeRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const header = cellsOf(lines[i] ?? '').map((cell) => cell.toLowerCase());
    const isTableStart = lines[i]?.startsWith('|') && /^\|[\s:|-]+\|$/.test(lines[i + 1]?.trim() ?? '');
    if (!isTableStart || !CODE_COLUMNS.has(header[0] ?? '')) continue;
    const meaningColumn = header.indexOf('meaning');
    for (i += 2; lines[i]?.startsWith('|'); i += 1) {
      const cells = cellsOf(lines[i] ?? '');
      const code = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1] ?? `(not one code: ${cells[0]})`;
      rows.push({
        file,
        column: header[0] ?? '',
        code,
        meaning: meaningColumn < 0 ? undefined : cells[meaningColumn],
      });
    }
  }
  return rows;
}

const docs = ['README.md', ...readdirSync('docs').map((name) => `docs/${name}`)].filter((file) =>
  file.endsWith('.md'),
);
const rows = docs.flatMap((file) => codeRows(file, readFileSync(file, 'utf8')));

describe("the docs' code tables", () => {
  it('find the tables', () => {
    expect(rows.length).toBeGreaterThan(50);
  });

  it('list no code src/codes.ts lacks, one code a row', () => {
    expect(rows.filter((row) => !isCode(row.code)).map((row) => `${row.file}: ${row.code}`)).toEqual([]);
  });

  it("state each code's meaning exactly as src/codes.ts has it", () => {
    const wrong = rows.filter(
      (row) => row.meaning !== undefined && isCode(row.code) && row.meaning !== meaningOf(row.code),
    );
    expect(wrong.map((row) => `${row.file}: ${row.code}: ${row.meaning}`)).toEqual([]);
  });

  it('list each kind in full where a table is headed by its kind', () => {
    for (const [column, codes] of Object.entries(codeTables)) {
      const listed = rows.filter((row) => row.column === column).map((row) => row.code);
      expect(new Set(listed), column).toEqual(new Set(codes));
    }
  });

  it('list every code with its meaning', () => {
    const documented = new Set(rows.filter((row) => row.meaning !== undefined).map((row) => row.code));
    expect(allCodes.filter((code) => !documented.has(code))).toEqual([]);
  });
});
