import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToFrontier, frontierRoot } from '../../src/audit/merkle/compact-range.js';
import { hashLeaf } from '../../src/audit/merkle/hasher.js';
import { MerkleTree } from '../../src/audit/merkle/tree.js';
import { verifyConsistency, verifyInclusion } from '../../src/audit/merkle/verify.js';
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, VECTOR_LEAVES, VECTOR_ROOTS } from './rfc6962-vectors.js';

const vectorTree = new MerkleTree(VECTOR_LEAVES.map((hex) => hashLeaf(Buffer.from(hex, 'hex'))));
const vectorRoot = (size: number) => Buffer.from(VECTOR_ROOTS[size - 1] as string, 'hex');
const fromHex = (path: string[]) => path.map((hex) => Buffer.from(hex, 'hex'));
const SOME_HASH = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');
const EMPTY_ROOT = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');

/** The same path with one bit of node `k` flipped. */
const flipped = (path: Buffer[], k: number, bit: number) =>
  path.map((node, i) => (i === k ? Buffer.from([(node[0] ?? 0) ^ bit, ...node.subarray(1)]) : node));

/** transparency-dev's corrupted variants of a valid path: each must fail to verify. */
function corruptedPaths(path: Buffer[], roots: Buffer[], bit: number): [string, Buffer[]][] {
  return [
    ['trailing garbage', [...path, Buffer.alloc(0)]],
    ...roots.map((root, i): [string, Buffer[]] => [`trailing root ${i}`, [...path, root]]),
    ['preceding garbage', [Buffer.alloc(0), ...path]],
    ...roots.map((root, i): [string, Buffer[]] => [`preceding root ${i}`, [root, ...path]]),
    ...path.map((_, k): [string, Buffer[]] => [`flipped bit in node ${k}`, flipped(path, k, bit)]),
    ...(path.length > 0 ? [['removed last node', path.slice(0, -1)] as [string, Buffer[]]] : []),
    ...(path.length > 1
      ? [['inserted node', [path[0] as Buffer, SOME_HASH, ...path.slice(1)]] as [string, Buffer[]]]
      : []),
  ];
}

const leaves = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

describe('RFC 6962 Merkle tree', () => {
  it('reproduces the published roots for 1..8 leaves, and the empty-tree hash', () => {
    expect(VECTOR_ROOTS.map((_, i) => vectorTree.root(i + 1).toString('hex'))).toEqual(VECTOR_ROOTS);
    expect(new MerkleTree([]).root().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('the compact range gives the same root as the full tree at every size', () => {
    const all = leaves(70);
    const tree = new MerkleTree(all);
    let frontier: Buffer[] = [];
    all.forEach((leaf, size) => {
      frontier = appendToFrontier(frontier, size, leaf);
      expect(frontierRoot(frontier).equals(tree.root(size + 1))).toBe(true);
    });
  });

  it('inclusion proofs verify, and fail for any other index, leaf or altered node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat())),
        ([n, i, salt]) => {
          const all = leaves(n);
          const tree = new MerkleTree(all);
          const path = tree.inclusionPath(i, n);
          const root = tree.root(n);
          expect(verifyInclusion(i, n, all[i] as Buffer, path, root)).toBe(true);
          expect(verifyInclusion(i, n, hashLeaf(Buffer.from('other')), path, root)).toBe(false);
          if (n > 1) expect(verifyInclusion((i + 1) % n, n, all[i] as Buffer, path, root)).toBe(false);
          if (path.length > 0) {
            const bad = path.map((node, k) => (k === salt % path.length ? hashLeaf(node) : node));
            expect(verifyInclusion(i, n, all[i] as Buffer, bad, root)).toBe(false);
          }
        },
      ),
    );
  });

  it('consistency proofs verify between any two sizes, and fail against a different history', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }).chain((n) => fc.tuple(fc.nat(n), fc.constant(n))),
        ([m, n]) => {
          const tree = new MerkleTree(leaves(n));
          const proof = tree.consistencyPath(m, n);
          expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof)).toBe(true);
          if (m > 0 && m < n) {
            const forked = new MerkleTree([hashLeaf(Buffer.from('forged')), ...leaves(n).slice(1)]);
            expect(verifyConsistency(m, n, forked.root(m), tree.root(n), proof)).toBe(false);
            expect(verifyConsistency(m, n, tree.root(m), forked.root(n), proof)).toBe(false);
          }
        },
      ),
    );
  });

  describe.each(INCLUSION_VECTORS)(
    'the published inclusion proof of leaf $index in $size',
    ({ index, size, path }) => {
      const leaf = vectorTree.leaf(index);
      const root = vectorRoot(size);
      const proof = fromHex(path);

      it('is the path the tree builds, and verifies', () => {
        expect(vectorTree.inclusionPath(index, size).map((node) => node.toString('hex'))).toEqual(path);
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
      });

      it('fails for another index, size, leaf or root', () => {
        const probes: [number, number, Buffer, Buffer][] = [
          [index - 1, size, leaf, root],
          [index + 1, size, leaf, root],
          [index ^ 2, size, leaf, root],
          [index, size * 2, leaf, root],
          [index, Math.floor(size / 2), leaf, root],
          [index, size, Buffer.from('WrongLeaf'), root],
          [index, size, leaf, EMPTY_ROOT],
          [index, size, leaf, SOME_HASH],
        ];
        for (const [i, n, l, r] of probes) expect(verifyInclusion(i, n, l, proof, r)).toBe(false);
      });

      it.each(corruptedPaths(proof, [root], 8))('fails with a path altered by %s', (_what, bad) => {
        expect(verifyInclusion(index, size, leaf, bad, root)).toBe(false);
      });
    },
  );

  describe.each(CONSISTENCY_VECTORS)(
    'the published consistency proof from $first to $second',
    ({ first, second, path }) => {
      const [firstRoot, secondRoot] = [vectorRoot(first), vectorRoot(second)];
      const proof = fromHex(path);

      it('is the proof the tree builds, and verifies', () => {
        expect(vectorTree.consistencyPath(first, second).map((node) => node.toString('hex'))).toEqual(path);
        expect(verifyConsistency(first, second, firstRoot, secondRoot, proof)).toBe(true);
      });

      // As in transparency-dev, only a non-trivial proof can be corrupted.
      it.skipIf(path.length === 0)('fails for other sizes or roots, or an empty proof', () => {
        const wrong = Buffer.from('WrongRoot');
        const probes: [number, number, Buffer, Buffer, Buffer[]][] = [
          [first - 1, second, firstRoot, secondRoot, proof],
          [first + 1, second, firstRoot, secondRoot, proof],
          [first ^ 2, second, firstRoot, secondRoot, proof],
          [first, second * 2, firstRoot, secondRoot, proof],
          [first, Math.floor(second / 2), firstRoot, secondRoot, proof],
          [first, second, wrong, secondRoot, proof],
          [first, second, firstRoot, wrong, proof],
          [first, second, secondRoot, firstRoot, proof],
          [first, second, firstRoot, secondRoot, []],
        ];
        for (const [m, n, r1, r2, p] of probes) expect(verifyConsistency(m, n, r1, r2, p)).toBe(false);
      });

      it.each(
        path.length === 0 ? [] : corruptedPaths(proof, [firstRoot, secondRoot, proof[0] as Buffer], 16),
      )('fails with a proof altered by %s', (_what, bad) => {
        expect(verifyConsistency(first, second, firstRoot, secondRoot, bad)).toBe(false);
      });
    },
  );

  it('holds to the edge cases of transparency-dev: empty trees, time travel, extra nodes', () => {
    const [a, b] = [Buffer.from("don't care 1"), Buffer.from("don't care 2")];
    expect(verifyConsistency(0, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(0, 0, a, a, [])).toBe(true);
    expect(verifyConsistency(0, 1, a, b, [])).toBe(true);
    expect(verifyConsistency(1, 1, b, b, [])).toBe(true);
    expect(verifyConsistency(1, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(2, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 2, a, b, [])).toBe(false);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    for (const [index, size] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(index, size, SOME_HASH, [], Buffer.alloc(0))).toBe(false);
      expect(verifyInclusion(index, size, Buffer.alloc(0), [], EMPTY_ROOT)).toBe(false);
      expect(verifyInclusion(index, size, SOME_HASH, [], EMPTY_ROOT)).toBe(false);
    }
  });
});
