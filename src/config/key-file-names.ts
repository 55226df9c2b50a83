/**
 * The key files' names in a keys folder. They live here so the defaults can name them without
 * configuration importing the keys module that reads and writes them.
 */

/** Receipt keys sign authorizations: Federation Core holds the private half, executors the JWKS. */
export const receiptKeyFileNames = {
  privateKey: 'receipt-signing-key.jwk.json',
  publicKeys: 'receipt-keys.jwks.json',
};

/** Audit keys sign the log's checkpoints: the workers hold the private half, auditors the JWKS. */
export const auditKeyFileNames = {
  privateKey: 'audit-signing-key.jwk.json',
  publicKeys: 'audit-keys.jwks.json',
};

/** The revoked approver keys, beside the key ring they take keys out of (`marketops keys revoke`). */
export const revocationsFileName = 'revoked-keys.json';
