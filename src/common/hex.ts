import { z } from 'zod';

/** A SHA-256 written as lowercase hex: leaf hashes, roots, response digests. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
