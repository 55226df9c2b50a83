import { describe, expect, it } from 'vitest';
import { NO_POLICY } from '../../src/policy/index.js';
import { by, codesOf, decide, examplePolicy, facts, NOW, policyOf } from './fixtures.js';

const twoPerson = examplePolicy('two-person-production');
const pullRequests = examplePolicy('pull-requests');
const tags = examplePolicy('release-managers-tag');

describe('two-person rule for production releases from main (examples/policy/two-person-production.yaml)', () => {
  it('one approval is not enough; the rule names who may still approve', () => {
    const decision = decide(twoPerson, facts(), [by('alice-2026')]);
    expect(decision.satisfied).toBe(false);
    expect(decision.rules).toEqual([
      expect.objectContaining({
        rule: 'production releases from main',
        satisfied: false,
        required: 2,
        approved_by: ['alice'],
        may_still_approve: ['bob', 'carol'],
        summary: '1 of 2: approved by alice; missing one of ops-leads (may still approve: bob, carol)',
      }),
      // The broad rule matches too, and alice satisfies it: every matching rule must be.
      expect.objectContaining({ rule: 'every release', satisfied: true, approved_by: ['alice'] }),
    ]);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS']);
    expect(decision.reasons[0]?.message).toBe(
      'Rule "production releases from main": 1 of 2: approved by alice; missing one of ops-leads (may still approve: bob, carol).',
    );
  });

  it('two distinct approvers satisfy it, and the decision names the policy version', () => {
    const decision = decide(twoPerson, facts(), [by('alice-2026'), by('carol-2026')]);
    expect(decision.satisfied).toBe(true);
    expect(decision.reasons).toEqual([]);
    expect(decision.policy_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(decision.policy_digest).toBe(twoPerson.digest);
  });

  it('an approver counts once, however many of their keys sign (by kid and by thumbprint)', () => {
    const bobsHardwareKey = by('bob-yubikey', 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    const decision = decide(twoPerson, facts(), [by('bob-laptop'), bobsHardwareKey, by('bob-laptop')]);
    expect(decision.satisfied).toBe(false);
    expect(decision.rules[0]?.approved_by).toEqual(['bob']);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'DUPLICATE_APPROVER', 'DUPLICATE_APPROVER']);
    expect(decide(twoPerson, facts(), [bobsHardwareKey, by('carol-2026')]).satisfied).toBe(true);
  });

  it("the requester's own approval does not count, and they are not offered as one who may still approve", () => {
    const decision = decide(twoPerson, facts({ requester: 'alice' }), [by('alice-2026'), by('bob-laptop')]);
    expect(decision.satisfied).toBe(false);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'SELF_APPROVAL']);
    expect(decision.rules[0]?.may_still_approve).toEqual(['carol']);
    expect(
      decide(twoPerson, facts({ requester: 'alice' }), [by('carol-2026'), by('bob-laptop')]).satisfied,
    ).toBe(true);
  });

  it('a release from another branch matches the other rule: one ops lead, and the requester may approve', () => {
    const decision = decide(twoPerson, facts({ ref: 'release/2.x', requester: 'alice' }), [by('alice-2026')]);
    expect(decision.satisfied).toBe(true);
    expect(decision.rules.map((rule) => rule.rule)).toEqual(['every release']);
  });

  it('reads refs/heads/main as main, and a commit SHA as any branch: two approvers, not one', () => {
    for (const ref of ['refs/heads/main', 'a'.repeat(40)]) {
      const decision = decide(twoPerson, facts({ ref }), [by('bob-laptop')]);
      expect(decision.satisfied).toBe(false);
      expect(decision.rules.map((rule) => rule.rule)).toEqual([
        'production releases from main',
        'every release',
      ]);
    }
  });

  it('denies by default: an operation no rule names is refused however many approve', () => {
    const all = [by('alice-2026'), by('bob-laptop'), by('carol-2026')];
    for (const operation of [
      facts({ kind: 'tag_repo', ref: 'v1.0.0' }),
      facts({ repository: 'other/widgets' }),
      facts({ mode: 'dry-run' }),
    ]) {
      const decision = decide(twoPerson, operation, all);
      expect(decision.satisfied, JSON.stringify(operation)).toBe(false);
      expect(decision.rules).toEqual([]);
      expect(codesOf(decision)).toEqual(['POLICY_NO_RULE']);
    }
  });

  it('a key outside its window does not count: KEY_EXPIRED after not_after, and it is not offered', () => {
    const later = new Date('2027-01-01T00:00:00Z');
    const decision = decide(twoPerson, facts(), [by('alice-2026'), by('bob-laptop')], { now: later });
    expect(decision.satisfied).toBe(false);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'KEY_EXPIRED']);
    expect(decision.reasons[1]?.message).toBe(
      'Key "alice-2026" of alice was valid only until 2027-01-01T00:00:00Z.',
    );
    expect(decision.rules[0]?.may_still_approve).toEqual(['carol']);
    const justBefore = new Date(later.getTime() - 1);
    expect(
      decide(twoPerson, facts(), [by('alice-2026'), by('bob-laptop')], { now: justBefore }).satisfied,
    ).toBe(true);
  });

  it('a revoked key does not count from revoked_at on, and a revocation dated later is not in force yet', () => {
    const revocations = [{ kid: 'carol-2026', revoked_at: '2026-02-01T00:00:00Z', reason: 'laptop lost' }];
    const decision = decide(twoPerson, facts(), [by('alice-2026'), by('carol-2026')], { revocations });
    expect(decision.satisfied).toBe(false);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'KEY_REVOKED']);
    expect(decision.reasons[1]?.message).toBe(
      'Key "carol-2026" of carol was revoked at 2026-02-01T00:00:00Z (laptop lost).',
    );
    expect(decision.rules[0]?.may_still_approve).toEqual(['bob']);
    expect(decision.revocations_digest).toBe('sha256:test');
    const before = new Date('2026-01-31T23:59:59Z');
    expect(
      decide(twoPerson, facts(), [by('alice-2026'), by('carol-2026')], { revocations, now: before })
        .satisfied,
    ).toBe(true);
  });

  it('an unverified signature or an unknown key counts for no one', () => {
    const forged = { ...by('carol-2026'), verified: false };
    const decision = decide(twoPerson, facts(), [by('alice-2026'), forged, by('mallory-1')]);
    expect(decision.satisfied).toBe(false);
    const unknown = { kid: 'ghost-1', thumbprint: null, verified: false };
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'BAD_SIGNATURE', 'APPROVER_NOT_ALLOWED']);
    // Both matching rules lack approvals: each says so.
    expect(codesOf(decide(twoPerson, facts(), [unknown]))).toEqual([
      'NEEDS_APPROVALS',
      'NEEDS_APPROVALS',
      'UNKNOWN_KEY',
    ]);
  });
});

describe('one approver for pull requests (examples/policy/pull-requests.yaml)', () => {
  const pr = facts({ kind: 'open_pr', ref: 'main' });

  it('one maintainer suffices, into any branch', () => {
    expect(decide(pullRequests, pr, [by('dana-2026')]).satisfied).toBe(true);
    expect(decide(pullRequests, { ...pr, ref: 'feature/x' }, [by('dana-2026')]).satisfied).toBe(true);
  });

  it('a key before its not_before is KEY_NOT_VALID_YET, and valid from that instant', () => {
    const decision = decide(pullRequests, pr, [by('erin-2026')]);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'KEY_NOT_VALID_YET']);
    expect(decision.rules[0]?.may_still_approve).toEqual(['dana']);
    expect(
      decide(pullRequests, pr, [by('erin-2026')], { now: new Date('2026-06-01T00:00:00Z') }).satisfied,
    ).toBe(true);
  });

  it('no approval: not satisfied, naming everyone who may approve', () => {
    expect(decide(pullRequests, pr, []).rules[0]?.summary).toBe(
      '0 of 1: no approval yet; missing one of maintainers (may still approve: dana)',
    );
  });
});

describe('a repository only release managers may tag (examples/policy/release-managers-tag.yaml)', () => {
  const tag = (repository: string) => facts({ kind: 'tag_repo', repository, ref: 'v2.0.0' });

  it('every matching rule must be satisfied: a maintainer alone may tag elsewhere, not acme/platform', () => {
    expect(decide(tags, tag('acme/widgets'), [by('frank-2026')]).satisfied).toBe(true);
    const decision = decide(tags, tag('acme/platform'), [by('frank-2026')]);
    expect(decision.satisfied).toBe(false);
    expect(decision.rules.map((rule) => [rule.rule, rule.satisfied])).toEqual([
      ['tags', true],
      ['tags on acme/platform', false],
    ]);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'APPROVER_NOT_ALLOWED']);
    expect(decision.rules[1]?.summary).toBe(
      '0 of 1: no approval yet; missing one of release-managers (may still approve: grace)',
    );
  });

  it('one release manager who is also a maintainer satisfies both rules', () => {
    const decision = decide(tags, tag('acme/platform'), [by('grace-2026')]);
    expect(decision.satisfied).toBe(true);
    expect(decision.rules.map((rule) => rule.approved_by)).toEqual([['grace'], ['grace']]);
  });

  it('repository globs ignore case, as GitHub does', () => {
    expect(decide(tags, tag('Acme/Platform'), [by('frank-2026')]).satisfied).toBe(false);
  });
});

describe('rule matching', () => {
  const base = `
version: 1
approvers: [{ name: a, keys: [{ kid: a-1 }] }]
approver_sets: { s: [a] }
rules:
  - name: r
    requires: { count: 1, from: [s] }
`;
  const withMatch = (match: string) => policyOf(`${base}    match: ${match}\n`);

  it.each([
    ['an empty match names every operation', '{}', facts(), true],
    [
      '… of any kind, repository, ref and mode',
      '{}',
      facts({ kind: 'open_pr', repository: 'x/y', ref: 'dev', mode: 'dry-run' }),
      true,
    ],
    ['a repository glob', '{ repositories: ["acme/*"] }', facts(), true],
    ['… with dot files', '{ repositories: ["acme/*"] }', facts({ repository: 'acme/.github' }), true],
    [
      '… * within one segment',
      '{ repositories: ["acme/*"] }',
      facts({ repository: 'acmecorp/widgets' }),
      false,
    ],
    ['… any of several', '{ repositories: ["other/x", "acme/widgets"] }', facts(), true],
    ['a kind', '{ kinds: [publish_release] }', facts(), true],
    ['… not another', '{ kinds: [tag_repo, open_pr] }', facts(), false],
    ['a ref', '{ refs: [main] }', facts(), true],
    ['… case-sensitive', '{ refs: [Main] }', facts(), false],
    ['… * within one segment', '{ refs: ["release/*"] }', facts({ ref: 'release/2.x' }), true],
    ['… not across', '{ refs: ["release/*"] }', facts({ ref: 'release/2.x/hotfix' }), false],
    ['… ** across segments', '{ refs: ["release/**"] }', facts({ ref: 'release/2.x/hotfix' }), true],
    ['… ! for "not"', '{ refs: ["!main"] }', facts(), false],
    ['a mode', '{ modes: [prod] }', facts(), true],
    ['… not another', '{ modes: [dry-run] }', facts(), false],
    ['every member present must match', '{ kinds: [publish_release], refs: [dev] }', facts(), false],
  ])('%s: %s', (_, match, operation, expected) => {
    expect(decide(withMatch(match), operation, []).rules.length === 1).toBe(expected);
  });
});

describe('without a policy file', () => {
  it("keeps today's behaviour: one approval by any verified ring key, for any operation", () => {
    const decision = decide(NO_POLICY, facts({ kind: 'tag_repo', repository: 'x/y' }), [by('any-ring-key')]);
    expect(decision).toEqual({
      satisfied: true,
      policy_digest: null,
      revocations_digest: null,
      rules: [
        expect.objectContaining({
          rule: 'no policy file: one approval by any key of the receipt key ring',
          approved_by: ['any-ring-key'],
          summary: '1 of 1: approved by any-ring-key',
        }),
      ],
      reasons: [],
    });
  });

  it('still refuses an unverified signature and a revoked key', () => {
    const revocations = [{ kid: 'k', revoked_at: '2026-01-01T00:00:00Z', reason: 'leaked' }];
    const decision = decide(NO_POLICY, facts(), [by('k'), { ...by('j'), verified: false }], { revocations });
    expect(decision.satisfied).toBe(false);
    expect(codesOf(decision)).toEqual(['NEEDS_APPROVALS', 'KEY_REVOKED', 'BAD_SIGNATURE']);
    expect(decision.rules[0]?.summary).toBe(
      '0 of 1: no approval yet; missing one of any key of the receipt key ring',
    );
  });

  it('no approval is not satisfied', () => {
    expect(decide(NO_POLICY, facts(), [], { now: NOW }).satisfied).toBe(false);
  });
});
