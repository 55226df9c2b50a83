import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy, policyDigest } from '../../src/policy/index.js';

const valid = `
version: 1
approvers:
  - name: alice
    keys:
      - kid: alice-1
        not_before: 2026-01-01T00:00:00Z
        not_after: 2027-01-01T00:00:00Z
  - name: bob
    keys: [{ kid: bob-1 }]
approver_sets:
  leads: [alice, bob]
rules:
  - name: releases
    match: { kinds: [publish_release], refs: [main] }
    requires: { count: 2, from: [leads] }
    forbid_requester: true
`;

const refusal = (from: string, to: string): string => {
  const text = valid.replace(from, to);
  expect(text, `the test's replacement of ${from}`).not.toBe(valid);
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${to}`);
};

describe('the policy file', () => {
  it('parses examples/policy/*.yaml (the docs show them)', () => {
    const files = readdirSync('examples/policy').filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBe(3);
    for (const file of files) {
      expect(() => parsePolicy(readFileSync(`examples/policy/${file}`, 'utf8'), file)).not.toThrow();
    }
  });

  it('docs/policy.md shows each example file in full', () => {
    const page = readFileSync('docs/policy.md', 'utf8');
    for (const file of readdirSync('examples/policy')) {
      expect(page, file).toContain(`\`\`\`yaml\n${readFileSync(`examples/policy/${file}`, 'utf8')}\`\`\``);
    }
  });

  it('has a digest over its meaning: comments, layout and key order do not change it; a value does', () => {
    const digest = policyDigest(parsePolicy(valid, 'a.yaml'));
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const reordered = valid
      .replace('# none', '')
      .replace(
        'requires: { count: 2, from: [leads] }\n    forbid_requester: true',
        'forbid_requester: true # why\n    requires:\n      from: [leads]\n      count: 2',
      );
    expect(reordered).not.toBe(valid);
    expect(policyDigest(parsePolicy(reordered, 'b.yaml'))).toBe(digest);
    expect(policyDigest(parsePolicy(valid.replace('count: 2', 'count: 1'), 'c.yaml'))).not.toBe(digest);
  });

  it.each([
    ['version: 1', 'version: 2', 'Field "version" of the policy file policy.yaml must be 1.'],
    [
      'forbid_requester: true',
      'forbid_requester: true\n    approvals: 3',
      'Remove the unknown field "approvals" from "rules.0" of the policy file policy.yaml.',
    ],
    [
      'kinds: [publish_release]',
      'kinds: [release]',
      'Field "rules.0.match.kinds.0" of the policy file policy.yaml must be one of publish_release, tag_repo, open_pr.',
    ],
    [
      'refs: [main] }',
      'refs: [main], modes: [live] }',
      'Field "rules.0.match.modes.0" of the policy file policy.yaml must be one of prod, dry-run.',
    ],
    [
      'count: 2',
      'count: 3',
      'Field "rules.0.requires.count" of the policy file policy.yaml is 3, more than the 2 approvers of its sets, so the rule could never be satisfied.',
    ],
    [
      'count: 2',
      'count: 0',
      'Field "rules.0.requires.count" of the policy file policy.yaml must be at least 1.',
    ],
    [
      'from: [leads]',
      'from: [leeds]',
      'Field "rules.0.requires.from" of the policy file policy.yaml names "leeds", no set of approver_sets.',
    ],
    [
      'leads: [alice, bob]',
      'leads: [alice, carol]',
      'Field "approver_sets.leads.1" of the policy file policy.yaml names "carol", no approver.',
    ],
    [
      '{ kid: bob-1 }',
      '{ kid: alice-1 }',
      'Field "approvers.1.keys.0" of the policy file policy.yaml lists kid "alice-1", which "alice" already has; a key belongs to one approver, once.',
    ],
    [
      '{ kid: bob-1 }',
      '{ kid: bob-1, thumbprint: NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs }',
      'Field "approvers.1.keys.0" of the policy file policy.yaml must name its key by exactly one of "kid" or "thumbprint".',
    ],
    [
      '{ kid: bob-1 }',
      '{ thumbprint: abc }',
      'Field "approvers.1.keys.0.thumbprint" of the policy file policy.yaml must be an RFC 7638 SHA-256 thumbprint: 43 base64url characters.',
    ],
    [
      'not_after: 2027-01-01T00:00:00Z',
      'not_after: 2025-01-01T00:00:00Z',
      'Field "approvers.0.keys.0.not_after" of the policy file policy.yaml must have not_before before not_after.',
    ],
    [
      'not_after: 2027-01-01T00:00:00Z',
      'not_after: next year',
      'Field "approvers.0.keys.0.not_after" of the policy file policy.yaml must be an RFC 3339 date-time with a zone, e.g. 2026-01-01T00:00:00Z.',
    ],
    [
      '- name: bob',
      '- name: alice',
      'Field "approvers.1.name" of the policy file policy.yaml repeats "alice".',
    ],
    [
      '    match: { kinds',
      '    requires: { count: 1, from: [leads] }\n    match: { kinds',
      'The policy file policy.yaml is not valid YAML: Map keys must be unique at line 17, column 5; fix it.',
    ],
    ['rules:', 'rulez:', 'Field "rules" of the policy file policy.yaml is required.'],
  ])('refuses %s → %s in one sentence naming the field', (from, to, message) => {
    expect(refusal(from, to)).toBe(message);
  });

  it('refuses an empty file and one that is not a mapping', () => {
    expect(() => parsePolicy('', 'p.yaml')).toThrow(
      'The policy file p.yaml is empty; it must hold version, approvers, approver_sets and rules.',
    );
    expect(() => parsePolicy('- 1', 'p.yaml')).toThrow(
      'The policy file p.yaml must be one mapping of version, approvers, approver_sets and rules.',
    );
  });
});
