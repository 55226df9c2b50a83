import { readFile } from 'node:fs/promises';
import { fileVersion } from '../common/file-version.js';
import type { Approval } from './approval.js';
import { evaluatePolicy, type PolicyDecision } from './evaluate.js';
import type { OperationFacts } from './facts.js';
import { NO_POLICY, type PolicyInForce, policyInForce } from './load.js';
import {
  missingRevocations,
  NO_REVOCATIONS,
  parseRevocations,
  type RevocationsInForce,
  revocationListOf,
} from './revocations.js';

export interface PolicySnapshot {
  policy: PolicyInForce;
  revocations: RevocationsInForce;
}

export interface PolicyFiles {
  /** Unset: no policy file, today's behaviour (any ring key, one approval). */
  policyFile?: string;
  /** Unset: no key is revoked. A configured file that does not exist yet is an empty list. */
  revocationsFile?: string;
}

/** The policy and revocations in force, re-read when a file's mtime or size changes (one stat each per call). */
export interface PolicySource {
  /** Throws one sentence naming the file when a configured file cannot be read or parsed: fail closed. */
  current(): Promise<PolicySnapshot>;
  /** `evaluatePolicy` over `current()`. */
  decide(facts: OperationFacts, approvals: readonly Approval[], now: Date): Promise<PolicyDecision>;
}

/**
 * Keeps a version a decision may use, by its digest, before any decision uses it (src/audit keeps them
 * beside the audit log), so an auditor can re-check the decision from a bundle.
 */
export type KeepVersion = (kind: 'policy' | 'revocations', digest: string, content: object) => Promise<void>;

/** `fileVersion`, its read errors in one sentence that names the file. */
async function versionOf(file: string): Promise<string | null> {
  try {
    return await fileVersion(file);
  } catch (error) {
    throw unreadable(file, error);
  }
}

const unreadable = (file: string, error: unknown) =>
  new Error(
    `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'read failed'}); check the path.`,
  );

/**
 * A file parsed once per version: `load` runs again only when its stat changes. A file that
 * stops parsing throws on every call until it is fixed, so no decision uses a stale version.
 */
function reloading<T>(file: string, load: (text: string | null) => T | Promise<T>): () => Promise<T> {
  let cached: { version: string | null; value: T } | undefined;
  return async () => {
    const version = await versionOf(file);
    if (cached?.version === version) return cached.value;
    let text: string | null = null;
    if (version !== null) {
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw unreadable(file, error);
      }
    }
    const value = await load(text);
    cached = { version, value };
    return value;
  };
}

/** `keep`: called once per new version read, before it is used; a version it cannot keep is not used. */
export function policySource(files: PolicyFiles, keep: KeepVersion = async () => undefined): PolicySource {
  const { policyFile, revocationsFile } = files;
  const policy =
    policyFile === undefined
      ? async () => NO_POLICY
      : reloading(policyFile, async (text) => {
          if (text === null) throw new Error(`The policy file ${policyFile} does not exist; fix its path.`);
          const inForce = policyInForce(text, policyFile);
          await keep('policy', inForce.digest, inForce.policy);
          return inForce;
        });
  const revocations =
    revocationsFile === undefined
      ? async () => NO_REVOCATIONS
      : reloading(revocationsFile, async (text) => {
          const inForce =
            text === null ? missingRevocations(revocationsFile) : parseRevocations(text, revocationsFile);
          await keep('revocations', inForce.digest as string, revocationListOf(inForce));
          return inForce;
        });
  const current = async (): Promise<PolicySnapshot> => {
    const [inForce, revoked] = await Promise.all([policy(), revocations()]);
    return { policy: inForce, revocations: revoked };
  };
  return {
    current,
    async decide(facts, approvals, now) {
      const snapshot = await current();
      return evaluatePolicy({ ...snapshot, facts, approvals, now });
    },
  };
}
