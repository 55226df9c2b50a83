import { hashChildren } from './hasher.js';

/**
 * Proof verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2), built the way transparency-dev/merkle
 * builds it: split a path at the level where it leaves the tree's right border, then chain each part.
 * Sizes and indices are plain numbers up to 2^53, so bits are read arithmetically, never with `>>`.
 */

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** Bit `level` of `n`. */
const bitAt = (n: number, level: number): number => Math.floor(n / 2 ** level) % 2;

const binary = (n: bigint): string => (n === 0n ? '' : n.toString(2));

function trailingZeros(n: number): number {
  let zeros = 0;
  while (bitAt(n, zeros) === 0) zeros++;
  return zeros;
}

/**
 * The path of leaf `index` in a tree of `size` has two parts: `inner` levels below the point where
 * it meets the path of the last leaf (size - 1), then `border` levels along the right border, one
 * per left subtree hanging off it. Their sum is the only valid path length.
 */
function decompInclProof(index: number, size: number): { inner: number; border: number } {
  const inner = binary(BigInt(index) ^ BigInt(size - 1)).length;
  const border = [...binary(BigInt(index) >> BigInt(inner))].filter((bit) => bit === '1').length;
  return { inner, border };
}

/** Hashes up from `seed`, at position `index` of its level, through siblings on either side. */
const chainInner = (seed: Buffer, path: readonly Buffer[], index: number): Buffer =>
  path.reduce(
    (node, sibling, level) =>
      bitAt(index, level) === 0 ? hashChildren(node, sibling) : hashChildren(sibling, node),
    seed,
  );

/**
 * Like chainInner, but skips the siblings on the right: what is left is the same subtree as it was
 * before anything to the right of `seed` was appended, i.e. its hash in the older tree.
 */
const chainInnerRight = (seed: Buffer, path: readonly Buffer[], index: number): Buffer =>
  path.reduce(
    (node, sibling, level) => (bitAt(index, level) === 1 ? hashChildren(sibling, node) : node),
    seed,
  );

/** Along the right border every sibling is a left subtree. */
const chainBorderRight = (seed: Buffer, path: readonly Buffer[]): Buffer =>
  path.reduce((node, sibling) => hashChildren(sibling, node), seed);

/** Does `path` prove `leaf` is entry `index` of the tree of `size` with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!isCount(index) || !isCount(size) || index >= size) return false;
  const { inner, border } = decompInclProof(index, size);
  if (path.length !== inner + border) return false;
  return chainBorderRight(chainInner(leaf, path.slice(0, inner), index), path.slice(inner)).equals(root);
}

/** Does `path` prove the tree of size `first` is a prefix of the tree of size `second`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  path: readonly Buffer[],
): boolean {
  if (!isCount(first) || !isCount(second) || first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return path.length === 0;
  // The old tree's last leaf sits in a perfect subtree of 2^shift leaves; chaining starts at its root,
  // which the proof carries first unless that subtree is the whole old tree.
  const shift = trailingZeros(first);
  const [seed, rest] = first === 2 ** shift ? [firstRoot, path] : [path[0], path.slice(1)];
  const { inner: fullInner, border } = decompInclProof(first - 1, second);
  const inner = fullInner - shift;
  if (!seed || rest.length !== inner + border) return false;
  const index = Math.floor((first - 1) / 2 ** shift);
  const [innerPath, borderPath] = [rest.slice(0, inner), rest.slice(inner)];
  return (
    chainBorderRight(chainInnerRight(seed, innerPath, index), borderPath).equals(firstRoot) &&
    chainBorderRight(chainInner(seed, innerPath, index), borderPath).equals(secondRoot)
  );
}
