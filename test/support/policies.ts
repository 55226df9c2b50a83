import { stringify } from 'yaml';

/**
 * A policy file's text: approvers alice and bob (by the given kids), both release-managers, and one rule
 * requiring two of them for operations that `match` selects.
 */
export function twoPersonPolicy(
  name: string,
  match: Record<string, unknown>,
  kids = ['alice-2026', 'bob-2026'],
): string {
  const [alice, bob] = kids;
  return stringify({
    version: 1,
    approvers: [
      { name: 'alice', keys: [{ kid: alice }] },
      { name: 'bob', keys: [{ kid: bob }] },
    ],
    approver_sets: { 'release-managers': ['alice', 'bob'] },
    rules: [{ name, match, requires: { count: 2, from: ['release-managers'] } }],
  });
}
