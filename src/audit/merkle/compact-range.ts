import { emptyRoot, hashChildren } from './hasher.js';

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
  if (frontier.length === 0) return emptyRoot();
  return frontier.slice(0, -1).reduceRight((acc, node) => hashChildren(node, acc), frontier.at(-1) as Buffer);
}
