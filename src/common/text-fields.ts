import { z } from 'zod';
import { MAX_ID_LENGTH } from '../shared.js';
import { requiredAs } from './zod-sentence.js';

/*
 * Field builders shared by the operation request and receipt claim schemas.
 * Lengths count UTF-16 code units (JavaScript string length), as GitHub counts them,
 * so an astral character such as an emoji counts twice.
 */

/** Any Unicode control character (C0, DEL, C1). */
const CONTROL = /\p{Cc}/u;
/** Control characters other than tab, line feed and carriage return. */
const CONTROL_EXCEPT_WHITESPACE = /(?![\t\n\r])\p{Cc}/u;
/** A lone UTF-16 surrogate: not valid Unicode, and RFC 8785 canonicalization refuses it. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * zod's own min/max count code points, which would let a 257-unit emoji title through a
 * 256 limit; the contract counts UTF-16 code units, so the bounds are checked on `length`.
 */
function boundedString(min: number, max: number) {
  return z
    .string({ error: requiredAs('a string') })
    .refine((value) => value.length >= min, {
      error: min === 1 ? 'must not be empty' : `must be at least ${min} characters`,
    })
    .refine((value) => value.length <= max, {
      error: `must be at most ${max} characters (UTF-16 code units)`,
    })
    .refine((value) => !LONE_SURROGATE.test(value), { error: 'must be valid Unicode (no lone surrogates)' });
}

/** One line of text: no control characters at all. */
export function singleLineText(min: number, max: number) {
  return boundedString(min, max).refine((value) => !CONTROL.test(value), {
    error: 'must not contain control characters (it is a single line)',
  });
}

/** Free text such as a body: tab, CR and LF allowed, every other control character refused. */
export function multiLineText(min: number, max: number) {
  return boundedString(min, max).refine((value) => !CONTROL_EXCEPT_WHITESPACE.test(value), {
    error: 'must not contain control characters other than tab, CR and LF',
  });
}

/** A string from a fixed alphabet, e.g. identifiers. */
export function patternText(pattern: RegExp, description: string) {
  return z.string({ error: requiredAs('a string') }).regex(pattern, { error: `must be ${description}` });
}

/** Git's reserved ref-name forms (git check-ref-format), plus a leading "-" that reads as an option. */
const BAD_REF = /[\s~^:?*[\\]|\.\.|@\{|\/\/|^[-/.]|\/\.|[/.]$|\.lock(\/|$)/;

export const isGitRefName = (value: string): boolean => value !== '@' && !BAD_REF.test(value);

const REF_RULES =
  'a git ref name (no spaces, control characters, ~ ^ : ? * [ \\, "..", "@{" or "//", ' +
  'no leading "-", "/" or ".", no trailing "/", "." or ".lock")';

export const MAX_REF_LENGTH = 255;

/** A branch or tag name. */
export function gitRefName() {
  return singleLineText(1, MAX_REF_LENGTH).refine(isGitRefName, { error: `must be ${REF_RULES}` });
}

/** GitHub's owner and repository alphabet; "." and ".." would be path segments, so they are refused. */
const REPO_PART = '(?!\\.\\.?(?:/|$))[A-Za-z0-9._-]{1,100}';
export const REPOSITORY_PATTERN = new RegExp(`^${REPO_PART}/${REPO_PART}$`);
export const OWNER_PATTERN = new RegExp(`^${REPO_PART}$`);

export function repositoryName() {
  return patternText(
    REPOSITORY_PATTERN,
    '"owner/name" with 1-100 of A-Z a-z 0-9 . _ - in each part (not "." or "..")',
  );
}

/**
 * Receipt ids and run ids: one becomes part of a workflow id, the other a Temporal search
 * attribute value, so both keep to a safe alphabet.
 */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9._:-]{1,${MAX_ID_LENGTH}}$`);

export function identifier() {
  return patternText(ID_PATTERN, `1-${MAX_ID_LENGTH} of A-Z a-z 0-9 . _ : -`);
}

/** An approver's name, as an approval policy lists it and a request's `requester` names it. */
export const APPROVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const APPROVER_NAME_RULE =
  '1 to 128 letters, digits, ".", "_", "@" or "-", starting with a letter or digit';

/** Exactly 32 bytes in canonical base64url without padding (43 characters): Ed25519 keys, SHA-256 digests. */
export function base64url32Bytes() {
  return patternText(
    /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/,
    '32 bytes in base64url without padding (43 characters)',
  );
}
