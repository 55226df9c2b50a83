import { contentDigest } from './digest.js';
import { parseFile } from './parse-file.js';
import { type Policy, policySchema } from './schema.js';

/** The policy a decision uses. `ring`: no policy file is configured, so any ring key's one approval suffices. */
export type PolicyInForce = PolicyFileInForce | { mode: 'ring'; file: null; digest: null };
type PolicyFileInForce = { mode: 'file'; file: string; policy: Policy; digest: string };

/** Parses a policy file's YAML text; throws one sentence naming the file and the path in the YAML to fix. */
export const parsePolicy = (text: string, file: string): Policy =>
  parseFile(policySchema, text, `policy file ${file}`);

/** `sha256:<hex>` over the RFC 8785 canonical JSON of the parsed policy: the version a decision records. */
export const policyDigest = (policy: Policy): string => contentDigest(policy);

/** A policy file's text as the policy in force. */
export function policyInForce(text: string, file: string): PolicyFileInForce {
  const policy = parsePolicy(text, file);
  return { mode: 'file', file, policy, digest: policyDigest(policy) };
}

export const NO_POLICY: PolicyInForce = { mode: 'ring', file: null, digest: null };
