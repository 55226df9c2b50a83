import { createHash } from 'node:crypto';

/**
 * The RFC 6962 / RFC 9162 Merkle tree over the audit log. Hashes are raw 32-byte Buffers here;
 * the stores and the bundle encode them as lowercase hex.
 */

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** Domain separation: a leaf can never be mistaken for an interior node (RFC 6962 section 2.1). */
export const hashLeaf = (data: Buffer): Buffer => sha256(Buffer.from([0x00]), data);
export const hashChildren = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([0x01]), left, right);

/** The largest power of two strictly smaller than n (n >= 2): RFC 6962's split point. */
const splitPoint = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

/**
 * MTH, PATH and PROOF of RFC 6962 section 2.1 over already-hashed leaves. Subtree hashes are
 * memoised, so checking every checkpoint of a log costs O(n log n) rather than O(n^2).
 */
export class MerkleTree {
  private readonly memo = new Map<string, Buffer>();

  constructor(private readonly leaves: readonly Buffer[]) {}

  get size(): number {
    return this.leaves.length;
  }

  /** The hash of leaf `index`. */
  leaf(index: number): Buffer {
    const leaf = this.leaves[index];
    if (!leaf) throw new RangeError(`Index ${index} is outside a tree of size ${this.size}.`);
    return leaf;
  }

  /** MTH(D[0:size]). */
  root(size = this.leaves.length): Buffer {
    this.checkSize(size);
    return size === 0 ? sha256() : this.hash(0, size);
  }

  /** PATH(index, D[0:size]). */
  inclusionPath(index: number, size: number): Buffer[] {
    this.checkSize(size);
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`Index ${index} is outside a tree of size ${size}.`);
    }
    return this.path(index, 0, size);
  }

  /** PROOF(first, D[0:second]). */
  consistencyPath(first: number, second: number): Buffer[] {
    this.checkSize(second);
    if (!Number.isInteger(first) || first < 0 || first > second) {
      throw new RangeError(`A consistency proof needs 0 <= first (${first}) <= second (${second}).`);
    }
    return first === 0 || first === second ? [] : this.subproof(first, 0, second, true);
  }

  private checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.leaves.length) {
      throw new RangeError(`Tree size ${size} is outside 0..${this.leaves.length}.`);
    }
  }

  private hash(start: number, end: number): Buffer {
    if (end - start === 1) return this.leaves[start] as Buffer;
    const key = `${start}:${end}`;
    let hash = this.memo.get(key);
    if (!hash) {
      const mid = start + splitPoint(end - start);
      hash = hashChildren(this.hash(start, mid), this.hash(mid, end));
      this.memo.set(key, hash);
    }
    return hash;
  }

  private path(index: number, start: number, end: number): Buffer[] {
    if (end - start <= 1) return [];
    const mid = start + splitPoint(end - start);
    return index < mid
      ? [...this.path(index, start, mid), this.hash(mid, end)]
      : [...this.path(index, mid, end), this.hash(start, mid)];
  }

  private subproof(m: number, start: number, end: number, complete: boolean): Buffer[] {
    if (start + m === end) return complete ? [] : [this.hash(start, end)];
    const k = splitPoint(end - start);
    return m <= k
      ? [...this.subproof(m, start, start + k, complete), this.hash(start + k, end)]
      : [...this.subproof(m - k, start + k, end, false), this.hash(start, start + k)];
  }
}

/** RFC 9162 section 2.1.3.2: does `path` prove `leaf` is entry `index` of the tree of `size` with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 section 2.1.4.2: does `path` prove the tree of size `first` is a prefix of the tree of size `second`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  path: readonly Buffer[],
): boolean {
  if (first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return path.length === 0;
  const nodes = isPowerOfTwo(first) ? [firstRoot, ...path] : [...path];
  if (nodes.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = nodes[0] as Buffer;
  let sr = fr;
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/**
 * The compact range of a tree: the roots of its perfect subtrees, largest first. It lets a store
 * append a leaf and compute the new root in O(log n) without reading every leaf.
 */
export function appendToFrontier(frontier: readonly Buffer[], size: number, leaf: Buffer): Buffer[] {
  const next = [...frontier, leaf];
  for (let carry = size; carry % 2 === 1; carry = Math.floor(carry / 2)) {
    const right = next.pop() as Buffer;
    const left = next.pop() as Buffer;
    next.push(hashChildren(left, right));
  }
  return next;
}

/** The RFC 6962 root of the tree whose compact range is `frontier`. */
export function frontierRoot(frontier: readonly Buffer[]): Buffer {
  if (frontier.length === 0) return sha256();
  return frontier.slice(0, -1).reduceRight((acc, node) => hashChildren(node, acc), frontier.at(-1) as Buffer);
}
