import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';

/** docs/cli.md's exit-code table lists exactly the codes the CLI uses, in order. */
it("docs/cli.md's exit-code table names every exit code and no other", () => {
  const text = readFileSync('docs/cli.md', 'utf8');
  const table = text.slice(text.indexOf('| exit code | meaning |'));
  const rows = table.split('\n').slice(2);
  const documented = rows
    .slice(
      0,
      rows.findIndex((row) => !row.startsWith('|')),
    )
    .map((row) => Number(/^\| (\d+) \|/.exec(row)?.[1]));
  expect(documented).toEqual(Object.values(ExitCode));
});
