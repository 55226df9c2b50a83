import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchors, brokenLinks, relativeLinks, slug } from './markdown-links.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
const files = ['README.md', ...docs.map((name) => `docs/${name}`)];

describe('links between the README and docs/', () => {
  it.each(files)('every relative link of %s names an existing file and heading', (file) => {
    expect(brokenLinks(root, file)).toEqual([]);
  });

  it('docs/index.md lists every document in docs/', () => {
    const listed = new Set(relativeLinks(readFileSync(join(root, 'docs/index.md'), 'utf8')));
    expect(docs.filter((name) => name !== 'index.md' && !listed.has(name))).toEqual([]);
  });

  it('the README links the index and the architecture', () => {
    const links = relativeLinks(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(links).toContain('docs/index.md');
    expect(links).toContain('docs/architecture.md');
  });
});

describe('the link checker', () => {
  it('finds a missing file and a missing heading, and ignores code and external links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'links-'));
    writeFileSync(join(dir, 'b.md'), '# The `plan`: a run\n\n## Again\n\n## Again\n');
    writeFileSync(
      join(dir, 'a.md'),
      [
        '[ok](b.md#the-plan-a-run) [second](b.md#again-1) [gone](c.md) [bad](b.md#nothing)',
        '`[code](d.md)` [web](https://example.com/x.md)',
        '```',
        '[fenced](e.md)',
        '```',
      ].join('\n'),
    );
    expect(brokenLinks(dir, 'a.md')).toEqual([
      'a.md: c.md: no file c.md',
      'a.md: b.md#nothing: no heading #nothing in b.md',
    ]);
  });

  it('makes anchors as GitHub does', () => {
    expect(slug('Pacing: best practices by default')).toBe('pacing-best-practices-by-default');
    expect(slug('Refusals on record, and the bound on history')).toBe(
      'refusals-on-record-and-the-bound-on-history',
    );
    expect([...anchors('# A\n## A\n<a id="x"></a>')]).toEqual(['a', 'a-1', 'x']);
  });
});
