import picomatch from 'picomatch';
import type { OperationFacts } from './facts.js';
import type { Match, Rule } from './schema.js';

// `dot`: a repository or ref may start with "." (acme/.github); repositories are case-insensitive on GitHub.
const REPOSITORY_GLOB = { dot: true, nocase: true } as const;
const REF_GLOB = { dot: true } as const;

const anyOf = (patterns: string[] | undefined, value: string, options: picomatch.PicomatchOptions) =>
  patterns === undefined || picomatch.isMatch(value, patterns, options);

const COMMIT_SHA = /^[0-9a-f]{40}$/i;

/**
 * A ref as a branch or tag name: `refs/heads/main` is `main`, so the spelling cannot dodge a rule. A
 * commit SHA may be on any branch, and the policy cannot ask GitHub which: it matches every ref
 * pattern, so it needs what the strictest matching rule needs (every matching rule must be satisfied).
 */
const refMatches = (patterns: string[] | undefined, ref: string) =>
  patterns === undefined ||
  COMMIT_SHA.test(ref) ||
  picomatch.isMatch(ref.replace(/^refs\/(heads|tags)\//, ''), patterns, REF_GLOB);

/** Whether a rule's `match` names the operation: every member present must match. */
export function matches(match: Match, facts: OperationFacts): boolean {
  return (
    anyOf(match.repositories, facts.repository, REPOSITORY_GLOB) &&
    (match.kinds?.includes(facts.kind) ?? true) &&
    refMatches(match.refs, facts.ref) &&
    (match.modes?.includes(facts.mode) ?? true)
  );
}

/** The rules that match the operation, in the policy's order. */
export const matchingRules = (rules: readonly Rule[], facts: OperationFacts): Rule[] =>
  rules.filter((rule) => matches(rule.match, facts));
