import { Code, policyCodes } from '../codes.js';
import {
  approvalFate,
  evaluatePolicy,
  NO_POLICY,
  NO_REVOCATIONS,
  operationFacts,
  type PolicyInForce,
  parseRevocations,
  policyInForce,
  type RevocationsInForce,
  verifiedAsRecorded,
} from '../policy/index.js';
import { opDigest, parseOperationRequest } from '../receipts/index.js';
import { workflowInput } from './history-anchors.js';
import type { AuditRecord } from './record.js';

/** The policy and revocation-list versions a bundle carries, each by the digest its records name. */
export interface BundledVersions {
  policies: Record<string, unknown>;
  revocations: Record<string, unknown>;
}

type Loaded<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A bundled version read as its file would be (canonical JSON is YAML too), and checked against its digest. */
function bundled<T extends { digest: string | null }>(
  what: string,
  digest: string,
  content: unknown,
  read: (text: string, name: string) => T,
): Loaded<T> {
  if (content === undefined) return { ok: false, problem: `the bundle does not carry the ${what} ${digest}` };
  let value: T;
  try {
    value = read(JSON.stringify(content), `${digest} of the bundle`);
  } catch (error) {
    return { ok: false, problem: (error as Error).message.replace(/\.$/, '') };
  }
  return value.digest === digest
    ? { ok: true, value }
    : {
        ok: false,
        problem: `the bundled ${what} ${digest} does not hash to its digest (it hashes to ${value.digest})`,
      };
}

const policyOf = (digest: string | null, versions: BundledVersions): Loaded<PolicyInForce> =>
  digest === null
    ? { ok: true, value: NO_POLICY }
    : bundled('policy', digest, versions.policies[digest], policyInForce);

const revocationsOf = (digest: string | null, versions: BundledVersions): Loaded<RevocationsInForce> =>
  digest === null
    ? { ok: true, value: NO_REVOCATIONS }
    : bundled('revocation list', digest, versions.revocations[digest], parseRevocations);

/** Every bundled version must hash to the digest it is filed under, whether or not a record names it. */
export function versionProblem(versions: BundledVersions): string | undefined {
  const loaded = [
    ...Object.keys(versions.policies).map((digest) => policyOf(digest, versions)),
    ...Object.keys(versions.revocations).map((digest) => revocationsOf(digest, versions)),
  ];
  return loaded.flatMap((each) => (each.ok ? [] : [each.problem])).at(0);
}

/** The request the record's workflow was started with, checked against the record's op_digest. */
function requestOf(index: number, record: AuditRecord, histories: Record<string, unknown>) {
  const workflowId = record.temporal?.workflow_id;
  const history = workflowId === undefined ? undefined : histories[workflowId];
  const input = workflowInput(history) as { request?: unknown } | undefined;
  const parsed = parseOperationRequest(input?.request);
  if (!parsed.ok)
    return { problem: `record ${index}'s request is not in the bundle's history of its workflow` };
  if (opDigest(parsed.request) !== record.op_digest) {
    return {
      problem: `the request in the history of record ${index}'s workflow is not the one its op_digest names`,
    };
  }
  return { request: parsed.request };
}

/**
 * Re-runs an operation record's approval decision offline: the bundled versions it names, the facts of the
 * request its workflow started with, its recorded approvals at its recorded time. Records of runs and of
 * refused run authorizations summarise decisions recorded elsewhere, so only an operation's own record is
 * re-checked. Records that carry approvals were decided in prod: in dry-run a receipt never reaches the policy.
 */
export function decisionProblem(
  index: number,
  record: AuditRecord,
  bundle: { versions: BundledVersions; histories: Record<string, unknown> },
): string | undefined {
  const { policy_digest, revocations_digest, approvals } = record;
  if (policy_digest === undefined || approvals === undefined || record.run || record.authorization)
    return undefined;
  // Refused because the policy, ring or revocations in force could not be read: no version to re-run,
  // and a refusal wrote nothing. A record that claims it and yet shipped is re-run, and fails.
  const unreadable = record.reasons.some((reason) => reason.code === Code.POLICY_UNREADABLE);
  if (unreadable && record.outcome !== 'succeeded') return undefined;
  const policy = policyOf(policy_digest, bundle.versions);
  const revocations = revocationsOf(revocations_digest ?? null, bundle.versions);
  if (!policy.ok) return `record ${index}: ${policy.problem}`;
  if (!revocations.ok) return `record ${index}: ${revocations.problem}`;
  const request = requestOf(index, record, bundle.histories);
  if (!request.request) return request.problem;
  const signatures = approvals.map(({ kid, thumbprint, reason }) => ({
    kid,
    thumbprint,
    verified: verifiedAsRecorded(reason),
  }));
  const decision = evaluatePolicy({
    policy: policy.value,
    revocations: revocations.value,
    facts: operationFacts(request.request, 'prod'),
    approvals: signatures.flatMap(({ kid, ...rest }) => (kid === null ? [] : [{ kid, ...rest }])),
    now: new Date(record.recorded_at),
  });
  const versions = `policy ${policy_digest ?? 'none'} at ${record.recorded_at}`;
  const wrong = approvals.find((approval, at) => {
    const fate = approvalFate(signatures[at] as (typeof signatures)[number], decision, policy.value);
    return fate.counted !== approval.accepted || fate.approver !== approval.approver;
  });
  if (wrong) {
    return `record ${index} ${wrong.accepted ? 'counts' : 'refuses'} the approval by key "${wrong.kid}" as ${wrong.approver ?? 'no one'}'s, which does not follow from its ${versions}`;
  }
  const recorded = !record.reasons.some((reason) => (policyCodes as readonly string[]).includes(reason.code));
  if (recorded === decision.satisfied) return undefined;
  return `record ${index} says its approvals ${recorded ? 'satisfied' : 'did not satisfy'} the ${versions}, but they ${decision.satisfied ? 'do' : 'do not'}`;
}
