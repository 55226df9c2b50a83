/**
 * What "adopt an existing object" means, for every kind: an object found on GitHub is adopted
 * only when every field the receipt authorizes matches; any difference is a CONFLICT that names
 * it. Each operation kind lists its fields (src/operations/<kind>/adoption.ts). Pure: the
 * operations read GitHub, this decides.
 */

/** One authorized field that the existing object does not match, phrased for a message. */
export interface Difference {
  field: string;
  description: string;
}

/** One authorized field: how the existing object `E` and the authorized one `A` compare on it. */
export interface Field<E, A> {
  field: string;
  same(existing: E, authorized: A): boolean;
  describe(existing: E, authorized: A): string;
}

export const shortSha = (sha: string): string => sha.slice(0, 7);
export const quoted = (text: string | null | undefined): string => JSON.stringify(text ?? '');
/** GitHub stores an empty body as null. */
export const sameText = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '') === (b ?? '');

/** A release's or a pull request's body: long, so a difference is named, not quoted. */
export const bodyField: Field<{ body?: string | null | undefined }, { body: string | null }> = {
  field: 'body',
  same: (existing, authorized) => sameText(existing.body, authorized.body),
  describe: () => 'its body differs',
};

/** The authorized fields on which `existing` differs; empty means adopt. */
export function differences<E, A>(fields: readonly Field<E, A>[], existing: E, authorized: A): Difference[] {
  return fields
    .filter((field) => !field.same(existing, authorized))
    .map((field) => ({ field: field.field, description: field.describe(existing, authorized) }));
}

/** One sentence: "Release v1.0.0 exists but its tag points at 1f3a9c2, not main (2e4b6d8); nothing was changed." */
export function conflictMessage(subject: string, found: readonly Difference[]): string {
  return `${subject} exists but ${found.map((difference) => difference.description).join(', and ')}; nothing was changed.`;
}

/** An existing object that differs from the authorized one: the activity ends it as CONFLICT. */
export class AdoptionConflict extends Error {
  override name = 'AdoptionConflict';
}

/** Throws an AdoptionConflict when `found` names any difference; adoption goes on only when it is empty. */
export function assertAdoptable(subject: string, found: readonly Difference[]): void {
  if (found.length > 0) throw new AdoptionConflict(conflictMessage(subject, found));
}
