import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { operationKinds } from '../../src/operations/registry.js';
import type { Approval, OperationFacts, Revocation } from '../../src/policy/index.js';
import { policyInForce } from '../../src/policy/index.js';
import { decide, NOW } from './fixtures.js';

/*
 * Random policies × random approval sets, decided by evaluatePolicy and by the small reference
 * below. The reference is written differently on purpose: sets instead of an ordered count, a
 * hand-made glob of `*` and `!` instead of picomatch, and no messages.
 */

const NAMES = ['ann', 'ben', 'cat', 'dan', 'eve'];
const SETS = ['s0', 's1', 's2'];
const TIMES = ['2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z'];
const REPOSITORY_GLOBS = ['acme/*', 'acme/widgets', 'other/*', '*/platform'];
const REF_GLOBS = ['main', 'release/*', '!main', 'dev'];

/** A thumbprint-shaped name for a kid, as the ring would report it (43 base64url characters). */
const thumbprintOf = (kid: string) => kid.replace(/[^A-Za-z0-9]/g, '_').padEnd(43, 'x');

interface Key {
  kid: string;
  byThumbprint: boolean;
  not_before?: string;
  not_after?: string;
}
interface Generated {
  approvers: { name: string; keys: Key[] }[];
  sets: Record<string, string[]>;
  rules: {
    name: string;
    match: { repositories?: string[]; kinds?: string[]; refs?: string[]; modes?: string[] };
    count: number;
    from: string[];
    forbid: boolean;
  }[];
}

const optionalList = <T>(values: readonly T[]) =>
  fc.option(fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length }), {
    nil: undefined,
  });

const keyArb = (name: string, index: number): fc.Arbitrary<Key> =>
  fc
    .record({
      byThumbprint: fc.boolean(),
      window: fc.constantFrom(
        [undefined, undefined],
        [TIMES[0], undefined],
        [undefined, TIMES[1]],
        [TIMES[2], undefined],
        [undefined, TIMES[2]],
        [TIMES[0], TIMES[1]],
      ),
    })
    .map(({ byThumbprint, window: [notBefore, notAfter] }) => ({
      kid: `${name}-k${index}`,
      byThumbprint,
      ...(notBefore === undefined ? {} : { not_before: notBefore }),
      ...(notAfter === undefined ? {} : { not_after: notAfter }),
    }));

const generatedArb: fc.Arbitrary<Generated> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: NAMES.length })
  .chain((names) =>
    fc.record({
      approvers: fc.tuple(
        ...names.map((name) =>
          fc
            .integer({ min: 1, max: 2 })
            .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => keyArb(name, index))))
            .map((keys) => ({ name, keys })),
        ),
      ),
      sets: fc
        .tuple(
          ...SETS.map(() =>
            fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: names.length }),
          ),
        )
        .map((members) => Object.fromEntries(SETS.map((set, index) => [set, members[index] ?? []]))),
    }),
  )
  .chain(({ approvers, sets }) =>
    fc
      .array(
        fc.record({
          match: fc.record({
            repositories: optionalList(REPOSITORY_GLOBS),
            kinds: optionalList(operationKinds),
            refs: optionalList(REF_GLOBS),
            modes: optionalList(['prod', 'dry-run']),
          }),
          from: fc.uniqueArray(fc.constantFrom(...SETS), { minLength: 1, maxLength: SETS.length }),
          countSeed: fc.nat(),
          forbid: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((rules) => ({
        approvers,
        sets,
        rules: rules.map((rule, index) => {
          const eligible = new Set(rule.from.flatMap((set) => sets[set] ?? []));
          const match = Object.fromEntries(
            Object.entries(rule.match).filter(([, value]) => value !== undefined),
          );
          return {
            name: `r${index}`,
            match,
            from: rule.from,
            forbid: rule.forbid,
            count: 1 + (rule.countSeed % eligible.size),
          };
        }),
      })),
  );

/** The policy file the generated policy stands for, through the real loader. */
function fileOf(generated: Generated) {
  const document = {
    version: 1,
    approvers: generated.approvers.map(({ name, keys }) => ({
      name,
      keys: keys.map(({ kid, byThumbprint, ...window }) => ({
        ...(byThumbprint ? { thumbprint: thumbprintOf(kid) } : { kid }),
        ...window,
      })),
    })),
    approver_sets: generated.sets,
    rules: generated.rules.map((rule) => ({
      name: rule.name,
      match: rule.match,
      requires: { count: rule.count, from: rule.from },
      ...(rule.forbid ? { forbid_requester: true } : {}),
    })),
  };
  return policyInForce(stringify(document), 'generated.yaml');
}

const factsArb: fc.Arbitrary<OperationFacts> = fc
  .record({
    repository: fc.constantFrom('acme/widgets', 'acme/platform', 'other/x', 'Acme/Widgets'),
    kind: fc.constantFrom(...operationKinds),
    ref: fc.constantFrom('main', 'refs/heads/main', 'release/1', 'release/1/x', 'dev', 'f'.repeat(40)),
    mode: fc.constantFrom('prod' as const, 'dry-run' as const),
    requester: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  })
  .map(({ requester, ...facts }) => (requester === undefined ? facts : { ...facts, requester }));

const ALL_KIDS = NAMES.flatMap((name) => [`${name}-k0`, `${name}-k1`]).concat('stranger-k0');

const approvalsArb: fc.Arbitrary<Approval[]> = fc.array(
  fc
    .record({ kid: fc.constantFrom(...ALL_KIDS), verified: fc.constantFrom(true, true, true, true, false) })
    .map(({ kid, verified }) => ({
      kid,
      thumbprint: thumbprintOf(kid),
      verified,
    })),
  { maxLength: 6 },
);

const revocationsArb: fc.Arbitrary<Revocation[]> = fc
  .uniqueArray(fc.constantFrom(...ALL_KIDS), { maxLength: 3 })
  .chain((kids) =>
    fc.tuple(
      ...kids.map((kid) =>
        fc.constantFrom(...TIMES).map((revoked_at) => ({ kid, revoked_at, reason: 'test' })),
      ),
    ),
  );

// The reference.

const globMatches = (pattern: string, value: string, ignoreCase: boolean): boolean => {
  if (pattern.startsWith('!')) return !globMatches(pattern.slice(1), value, ignoreCase);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.]/g, '\\.'))
    .join('[^/]*');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
};

function referenceMatches(rule: Generated['rules'][number], facts: OperationFacts): boolean {
  const { repositories, kinds, refs, modes } = rule.match;
  if (repositories && !repositories.some((pattern) => globMatches(pattern, facts.repository, true)))
    return false;
  if (kinds && kinds.indexOf(facts.kind) < 0) return false;
  // A commit SHA could be on any branch: every ref pattern takes it. A full ref name is its short name.
  const isSha = facts.ref.length === 40 && [...facts.ref].every((c) => '0123456789abcdef'.includes(c));
  const shortRef = facts.ref.startsWith('refs/heads/') ? facts.ref.slice('refs/heads/'.length) : facts.ref;
  if (refs && !isSha && !refs.some((pattern) => globMatches(pattern, shortRef, false))) return false;
  if (modes && modes.indexOf(facts.mode) < 0) return false;
  return true;
}

const inWindow = (key: Key, now: number) =>
  (key.not_before === undefined || Date.parse(key.not_before) <= now) &&
  (key.not_after === undefined || now < Date.parse(key.not_after));

const isRevoked = (revocations: Revocation[], kid: string, now: number) =>
  revocations.some((revocation) => revocation.kid === kid && Date.parse(revocation.revoked_at) <= now);

/** Per matching rule: the set of approvers whose approval counts, and who else still could. */
function reference(
  generated: Generated,
  facts: OperationFacts,
  approvals: Approval[],
  revocations: Revocation[],
) {
  const now = NOW.getTime();
  const keyNamed = (key: Key, approval: Approval) =>
    key.byThumbprint ? thumbprintOf(key.kid) === approval.thumbprint : key.kid === approval.kid;
  return generated.rules
    .filter((rule) => referenceMatches(rule, facts))
    .map((rule) => {
      const members = new Set(rule.from.flatMap((set) => generated.sets[set] ?? []));
      const excluded = rule.forbid ? facts.requester : undefined;
      const counted = new Set<string>();
      for (const approval of approvals) {
        const owners = generated.approvers.filter((approver) =>
          approver.keys.some((key) => keyNamed(key, approval)),
        );
        const owner = owners.length === 1 ? owners[0] : undefined;
        if (!approval.verified || owner === undefined || isRevoked(revocations, approval.kid, now)) continue;
        const valid = owner.keys.some((key) => keyNamed(key, approval) && inWindow(key, now));
        if (valid && members.has(owner.name) && owner.name !== excluded) counted.add(owner.name);
      }
      const couldStill = generated.approvers
        .filter(
          (approver) =>
            members.has(approver.name) &&
            !counted.has(approver.name) &&
            approver.name !== excluded &&
            approver.keys.some(
              (key) => inWindow(key, now) && (key.byThumbprint || !isRevoked(revocations, key.kid, now)),
            ),
        )
        .map((approver) => approver.name);
      return {
        rule: rule.name,
        satisfied: counted.size >= rule.count,
        counted,
        couldStill: new Set(couldStill),
      };
    });
}

describe('evaluatePolicy against an independent reference', () => {
  it('agrees on the matching rules, each rule, the counted approvers, who may still approve and the verdict', () => {
    fc.assert(
      fc.property(
        generatedArb,
        factsArb,
        approvalsArb,
        revocationsArb,
        (generated, facts, approvals, revocations) => {
          const decision = decide(fileOf(generated), facts, approvals, { revocations });
          const expected = reference(generated, facts, approvals, revocations);
          expect(decision.rules.map((rule) => rule.rule)).toEqual(expected.map((rule) => rule.rule));
          decision.rules.forEach((rule, index) => {
            expect(rule.satisfied).toBe(expected[index]?.satisfied);
            expect(new Set(rule.approved_by)).toEqual(expected[index]?.counted);
            expect(rule.approved_by.length).toBe(expected[index]?.counted.size);
            expect(new Set(rule.may_still_approve)).toEqual(expected[index]?.couldStill);
          });
          const satisfied = expected.length > 0 && expected.every((rule) => rule.satisfied);
          expect(decision.satisfied).toBe(satisfied);
          const codes = decision.reasons.map((reason) => reason.code);
          expect(codes.includes('POLICY_NO_RULE')).toBe(expected.length === 0);
          expect(codes.includes('NEEDS_APPROVALS')).toBe(expected.some((rule) => !rule.satisfied));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is monotone: one more approval never turns a satisfied decision unsatisfied', () => {
    fc.assert(
      fc.property(generatedArb, factsArb, approvalsArb, approvalsArb, (generated, facts, approvals, more) => {
        const policy = fileOf(generated);
        if (decide(policy, facts, approvals).satisfied) {
          expect(decide(policy, facts, [...approvals, ...more]).satisfied).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
