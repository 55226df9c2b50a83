import { createHash } from 'node:crypto';

/**
 * The RFC 6962 / RFC 9162 hasher over the audit log. Hashes are raw 32-byte Buffers here; the
 * stores and the bundle encode them as lowercase hex.
 */

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** MTH({}) of RFC 6962 section 2.1: the hash of the empty string. */
export const emptyRoot = (): Buffer => sha256();

/** Domain separation: a leaf can never be mistaken for an interior node (RFC 6962 section 2.1). */
export const hashLeaf = (data: Buffer): Buffer => sha256(Buffer.from([0x00]), data);
export const hashChildren = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([0x01]), left, right);
