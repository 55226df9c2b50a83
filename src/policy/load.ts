import type { Policy } from './schema.js';

/** The policy a decision uses. `ring`: no policy file is configured, so any ring key's one approval suffices. */
export type PolicyInForce =
  | { mode: 'file'; file: string; policy: Policy; digest: string }
  | { mode: 'ring'; file: null; digest: null };

/** Parses a policy file's YAML text; throws one sentence naming the file and the path in the YAML to fix. */
export function parsePolicy(text: string, file: string): Policy {
  throw new Error('not yet');
}

/** `sha256:<hex>` over the RFC 8785 canonical JSON of the parsed policy: the version a decision records. */
export function policyDigest(policy: Policy): string {
  throw new Error('not yet');
}
