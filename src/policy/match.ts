import picomatch from 'picomatch';
import type { OperationFacts } from './facts.js';
import type { Match, Rule } from './schema.js';

// `dot`: a repository or ref may start with "." (acme/.github); repositories are case-insensitive on GitHub.
const REPOSITORY_GLOB = { dot: true, nocase: true } as const;
const REF_GLOB = { dot: true } as const;

const anyOf = (patterns: string[] | undefined, value: string, options: picomatch.PicomatchOptions) =>
  patterns === undefined || picomatch.isMatch(value, patterns, options);

/** Whether a rule's `match` names the operation: every member present must match. */
export function matches(match: Match, facts: OperationFacts): boolean {
  return (
    anyOf(match.repositories, facts.repository, REPOSITORY_GLOB) &&
    (match.kinds?.includes(facts.kind) ?? true) &&
    anyOf(match.refs, facts.ref, REF_GLOB) &&
    (match.modes?.includes(facts.mode) ?? true)
  );
}

/** The rules that match the operation, in the policy's order. */
export const matchingRules = (rules: readonly Rule[], facts: OperationFacts): Rule[] =>
  rules.filter((rule) => matches(rule.match, facts));
