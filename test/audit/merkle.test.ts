import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToFrontier, frontierRoot } from '../../src/audit/merkle/compact-range.js';
import { hashLeaf } from '../../src/audit/merkle/hasher.js';
import { MerkleTree } from '../../src/audit/merkle/tree.js';
import { verifyConsistency, verifyInclusion } from '../../src/audit/merkle/verify.js';

// The RFC 6962 test vectors used by certificate-transparency and Trillian.
const VECTOR_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/**
 * The inclusion and consistency proofs over those leaves, from transparency-dev/merkle
 * (proof/verify_test.go): leaf indices are 0-based here.
 */
const INCLUSION_VECTORS: { index: number; size: number; path: string[] }[] = [
  { index: 0, size: 1, path: [] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY_VECTORS: { first: number; second: number; path: string[] }[] = [
  { first: 1, second: 1, path: [] },
  {
    first: 1,
    second: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 2,
    second: 5,
    path: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 6,
    second: 7,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

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
