import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

/** Every folder under `dir`, as paths relative to src/ (`audit`, `audit/merkle`, …). */
const folders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return [relative(join(root, 'src'), path), ...folders(path)];
    });

it('docs/architecture.md names every folder of src/', () => {
  // A top folder may be named in a row of several (`receipts`), a subfolder with its parent (`audit/merkle`).
  const named = (folder: string) => page.includes(`\`src/${folder}\``) || page.includes(`\`${folder}\``);
  expect(folders(join(root, 'src')).filter((folder) => !named(folder))).toEqual([]);
});

/** Test folders that are not a folder of src/: shared support, cross-stack scenarios, and top-level folders. */
const OTHER_TEST_FOLDERS = ['support', 'e2e', 'docs', 'examples', 'deploy'];

it("test/ mirrors src/: each test folder is a folder or a top-level module of src/, or one of the page's other test folders", () => {
  const srcNames = readdirSync(join(root, 'src')).map((name) => name.replace(/\.ts$/, ''));
  const stray = readdirSync(join(root, 'test'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => !srcNames.includes(name) && !OTHER_TEST_FOLDERS.includes(name));
  expect(stray).toEqual([]);
  for (const folder of OTHER_TEST_FOLDERS) expect(page).toContain(`\`test/${folder}\``);
});
