import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendToFrontier,
  frontierRoot,
  hashLeaf,
  MerkleTree,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.js';

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

const leaves = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

describe('RFC 6962 Merkle tree', () => {
  it('reproduces the published roots for 1..8 leaves, and the empty-tree hash', () => {
    const tree = new MerkleTree(VECTOR_LEAVES.map((hex) => hashLeaf(Buffer.from(hex, 'hex'))));
    expect(VECTOR_ROOTS.map((_, i) => tree.root(i + 1).toString('hex'))).toEqual(VECTOR_ROOTS);
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
});
