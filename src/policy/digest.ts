import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * `sha256:<hex>` over the RFC 8785 canonical JSON of a parsed file: it names what the file
 * means, not its bytes, so comments and layout do not change it, and any language recomputes it.
 */
export function contentDigest(parsed: object): string {
  const canonical = canonicalize(parsed);
  if (canonical === undefined) throw new TypeError('A digest is taken over a JSON object.');
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}
