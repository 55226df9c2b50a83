/** One signature over a receipt, as the policy sees it. */
export interface Approval {
  /** The `kid` of its protected header. */
  kid: string;
  /** RFC 7638 SHA-256 thumbprint of the ring key named by `kid`; null when the ring has no such key. */
  thumbprint: string | null;
  /** The signature verifies with that ring key (its signature alone: the receipt's own checks are elsewhere). */
  verified: boolean;
}
