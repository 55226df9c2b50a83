import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conflictMessage, differences } from '../../src/github/adoption.js';
import type { ExistingTag } from '../../src/github/git-reads.js';
import { type PullRequestFields, pullRequestFields } from '../../src/operations/open-pr/adoption.js';
import {
  type AuthorizedRelease,
  type ExistingRelease,
  releaseFields,
  releaseTagFields,
} from '../../src/operations/publish-release/adoption.js';
import { type AuthorizedTag, tagFields } from '../../src/operations/tag-repo/adoption.js';

const MAIN = '1f3a9c2e5b7d4a6c8e0f1a2b3c4d5e6f7a8b9c0d';
const FEATURE = '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a';

const fieldsOf = (found: { field: string }[]) => found.map((difference) => difference.field);

describe('release', () => {
  const authorized: AuthorizedRelease = {
    name: 'MarketOps v1.0.0',
    body: 'Notes',
    draft: false,
    prerelease: false,
    target_commitish: 'main',
    commit: MAIN,
  };
  const existing: ExistingRelease = { ...authorized, commit: { via: 'tag', sha: MAIN } };

  it('adopts a release equal in every authorized field; GitHub’s null name and body equal ""', () => {
    expect(differences(releaseFields, existing, authorized)).toEqual([]);
    const blank = { ...authorized, name: '', body: '' };
    expect(differences(releaseFields, { ...existing, name: null, body: null }, blank)).toEqual([]);
  });

  it.each<[string, Partial<ExistingRelease>, string]>([
    ['commit', { commit: { via: 'tag', sha: FEATURE } }, 'its tag points at 2e4b6d8, not main (1f3a9c2)'],
    ['name', { name: 'Other' }, 'its name is "Other", not "MarketOps v1.0.0"'],
    ['body', { body: 'Other notes' }, 'its body differs'],
    ['draft', { draft: true }, 'it is a draft, not published'],
    ['prerelease', { prerelease: true }, 'it is a prerelease, not a full release'],
  ])('names a differing %s', (field, change, description) => {
    expect(differences(releaseFields, { ...existing, ...change }, authorized)).toEqual([
      { field, description },
    ]);
  });

  it('compares a draft without a tag by the commit its target resolves to, or none', () => {
    const draft = (sha: string | undefined): ExistingRelease => ({
      ...existing,
      commit: { via: 'target', target: 'feature/launch-notes', sha },
    });
    expect(differences(releaseFields, draft(MAIN), authorized)).toEqual([]);
    expect(differences(releaseFields, draft(FEATURE), authorized)[0]?.description).toBe(
      'its target feature/launch-notes resolves to 2e4b6d8, not main (1f3a9c2)',
    );
    expect(differences(releaseFields, draft(undefined), authorized)[0]?.description).toBe(
      'its target feature/launch-notes resolves to no commit, not main (1f3a9c2)',
    );
  });

  it('names an authorized SHA once, and every differing field in one sentence', () => {
    const bySha = { ...authorized, target_commitish: MAIN };
    const found = differences(
      releaseFields,
      { ...existing, commit: { via: 'tag', sha: FEATURE }, draft: true },
      bySha,
    );
    expect(fieldsOf(found)).toEqual(['commit', 'draft']);
    expect(conflictMessage('Release v1.0.0', found)).toBe(
      'Release v1.0.0 exists but its tag points at 2e4b6d8, not 1f3a9c2, and it is a draft, not published; nothing was changed.',
    );
  });
});

describe('the tag a new release would use', () => {
  it('must already point at the authorized commit', () => {
    const authorized = { target_commitish: 'feature/launch-notes', commit: FEATURE };
    expect(differences(releaseTagFields, { commit: FEATURE }, authorized)).toEqual([]);
    expect(differences(releaseTagFields, { commit: MAIN, annotation: { message: 'm' } }, authorized)).toEqual(
      [{ field: 'commit', description: 'points at 1f3a9c2, not feature/launch-notes (2e4b6d8)' }],
    );
  });
});

describe('tag', () => {
  it('adopts the same commit with the same kind, and an annotated message up to trailing newlines', () => {
    expect(differences(tagFields, { commit: MAIN }, { sha: MAIN })).toEqual([]);
    expect(
      differences(
        tagFields,
        { commit: MAIN, annotation: { message: 'Release\n' } },
        { sha: MAIN, message: 'Release' },
      ),
    ).toEqual([]);
  });

  it.each<[string, ExistingTag, AuthorizedTag, string]>([
    ['sha', { commit: FEATURE }, { sha: MAIN }, 'points at 2e4b6d8, not 1f3a9c2'],
    ['kind', { commit: MAIN, annotation: { message: 'm' } }, { sha: MAIN }, 'is annotated, not lightweight'],
    ['kind', { commit: MAIN }, { sha: MAIN, message: 'm' }, 'is lightweight, not annotated'],
    [
      'message',
      { commit: MAIN, annotation: { message: 'a' } },
      { sha: MAIN, message: 'b' },
      'its message differs',
    ],
  ])('names a differing %s', (field, existing, authorized, description) => {
    expect(differences(tagFields, existing, authorized)).toEqual([{ field, description }]);
  });
});

describe('pull request', () => {
  const authorized: PullRequestFields = {
    head: 'omega:feature/launch-notes',
    base: 'main',
    title: 'Launch notes',
    body: 'For review',
    draft: false,
  };

  it('adopts a pull request equal in every authorized field', () => {
    expect(differences(pullRequestFields, { ...authorized }, authorized)).toEqual([]);
    expect(
      differences(pullRequestFields, { ...authorized, body: null }, { ...authorized, body: '' }),
    ).toEqual([]);
  });

  it.each<[string, Partial<PullRequestFields>, string]>([
    ['head', { head: 'omega:other' }, 'its head is omega:other, not omega:feature/launch-notes'],
    ['base', { base: 'release' }, 'its base is release, not main'],
    ['title', { title: 'Other' }, 'its title is "Other", not "Launch notes"'],
    ['body', { body: 'Other' }, 'its body differs'],
    ['draft', { draft: true }, 'it is a draft, not ready for review'],
    ['draft', { draft: undefined }, 'GitHub does not say whether it is a draft'],
  ])('names a differing %s', (field, change, description) => {
    expect(differences(pullRequestFields, { ...authorized, ...change }, authorized)).toEqual([
      { field, description },
    ]);
  });
});

describe('docs/github-adoption.md', () => {
  /** Each row's object, as the table names it, and the fields its kind's module compares. */
  const compared: Record<string, readonly { field: string }[]> = {
    release: releaseFields,
    'tag with no release yet': releaseTagFields,
    tag: tagFields,
    'pull request': pullRequestFields,
  };
  const markdown = readFileSync(path.resolve(import.meta.dirname, '../../docs/github-adoption.md'), 'utf8');
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| Existing object '));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  const rows = lines.slice(start + 2, end).map((line) => line.split('|').map((cell) => cell.trim()));

  it("names, for each object, every field its module compares under 'Must match'", () => {
    const objects = rows.map(([, object = '']) => object.replace(/ \(`[a-z_]+`\)$/, ''));
    expect(objects.sort()).toEqual(Object.keys(compared).sort());
    for (const [, object = '', , mustMatch = ''] of rows) {
      const fields = compared[object.replace(/ \(`[a-z_]+`\)$/, '')] ?? [];
      const missing = fields
        .map(({ field }) => field)
        .filter((field) => !new RegExp(`\\b${field}\\b`).test(mustMatch));
      expect(missing, object).toEqual([]);
    }
  });
});
