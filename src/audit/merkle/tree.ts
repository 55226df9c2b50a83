import { emptyRoot, hashChildren } from './hasher.js';

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
    return size === 0 ? emptyRoot() : this.hash(0, size);
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
