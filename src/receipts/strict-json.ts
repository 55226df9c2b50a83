/**
 * Strict JSON for signed receipt parts. JSON.parse lets the last of two same-named members
 * win and reads 5, 5.0 and 5e0 alike; a stricter parser elsewhere may decide otherwise, and
 * such parser differentials let one token mean two things. So beyond JSON.parse this refuses
 * a byte order mark, a member name repeated in one object (at any depth), and any number
 * not written as a plain non-negative integer (no sign, fraction or exponent).
 */

import { show } from './show.js';

/** Why bytes are not strict JSON; `problem` completes a sentence such as "The receipt header …". */
export type JsonProblem = { ok: false; code: 'MALFORMED' | 'DUPLICATE_MEMBER'; problem: string };
export type StrictJson = { ok: true; value: Record<string, unknown> } | JsonProblem;

// ignoreBOM keeps a leading U+FEFF in the text, where JSON.parse then refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses UTF-8 bytes that must hold one JSON object. */
export function parseStrictJsonObject(bytes: Uint8Array): StrictJson {
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'MALFORMED', problem: 'is not UTF-8 JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'MALFORMED', problem: 'is not a JSON object' };
  }
  return firstAmbiguity(text) ?? { ok: true, value: value as Record<string, unknown> };
}

const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const PLAIN_INTEGER = /^(?:0|[1-9]\d*)$/;

/** An open object: the member names seen so far and the one whose value is being read. */
type OpenObject = { names: Set<string>; member?: string };
type Container = OpenObject | 'array';

/**
 * Walks text that JSON.parse has accepted, so only tokens need telling apart: a string
 * right after `{`, or after `,` inside an object, is a member name. Names are compared
 * decoded, so "a" and "\u0061" are the same name.
 */
function firstAmbiguity(text: string): JsonProblem | undefined {
  const open: Container[] = [];
  let expectingName = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    const top = open.at(-1);
    if (char === '"') {
      const token = tokenAt(STRING, text, i);
      i += token.length;
      if (expectingName && top !== undefined && top !== 'array') {
        const name = JSON.parse(token) as string;
        if (top.names.has(name)) {
          return { ok: false, code: 'DUPLICATE_MEMBER', problem: `repeats the member name ${show(name)}` };
        }
        top.names.add(name);
        top.member = name;
        expectingName = false;
      }
      continue;
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      const token = tokenAt(NUMBER, text, i);
      if (!PLAIN_INTEGER.test(token)) {
        const owner = open.findLast((container) => container !== 'array');
        const where = owner?.member === undefined ? '' : ` in ${show(owner.member)}`;
        const rule = 'numbers must be plain non-negative integers (no sign, fraction or exponent)';
        return { ok: false, code: 'MALFORMED', problem: `writes the number ${show(token)}${where}; ${rule}` };
      }
      i += token.length;
      continue;
    }
    if (char === '{') {
      open.push({ names: new Set() });
      expectingName = true;
    } else if (char === '[') open.push('array');
    else if (char === '}' || char === ']') open.pop();
    else if (char === ',') expectingName = top !== 'array';
    i += 1;
  }
  return undefined;
}

/** The token a sticky pattern matches at `index`; the text is valid JSON, so it always matches. */
function tokenAt(pattern: RegExp, text: string, index: number): string {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0] ?? text.charAt(index);
}
