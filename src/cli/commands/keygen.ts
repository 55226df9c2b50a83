import type { Command } from 'commander';
import { receiptKeyFileNames } from '../../config/key-file-names.js';
import { type KeyFiles, keyFilesIn, writeKeyPair } from '../../keys/key-files.js';
import { UserError } from '../exit-codes.js';

const { privateKey: PRIVATE_KEY_FILE, publicKeys: PUBLIC_KEYS_FILE } = receiptKeyFileNames;

const EXAMPLES = `
Examples:
  $ marketops keygen --out ./keys
  $ marketops keygen --out ./keys-2025 --kid federation-core-2025 --json

Writes two files into --out:
  ${PRIVATE_KEY_FILE}  the private Ed25519 JWK (mode 0600) for \`marketops receipt issue --key\`
  ${PUBLIC_KEYS_FILE}    the public JWKS for the executor's key ring (\`--keys\`)
To rotate, generate a new key and append its public JWK to the executor's JWKS "keys" array.
The audit log's checkpoint key is separate: see \`marketops audit keygen\`.
Never overwrites existing files.`;

/** A bad --kid is refused before any file is written. */
async function writeReceiptKey(files: KeyFiles, kid: string | undefined): Promise<string> {
  const { generateSigningKey } = await import('../../receipts/index.js');
  const pair = await generateSigningKey(kid);
  await writeKeyPair(files, pair);
  return pair.privateJwk.kid;
}

export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('Generate an Ed25519 receipt signing key: a private JWK and a public JWKS.')
    .requiredOption('--out <dir>', 'directory for the key files (created if missing)')
    .option('--kid <kid>', 'key id (default: the RFC 7638 thumbprint of the public key)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { out: string; kid?: string; json?: boolean }) => {
      const files = keyFilesIn(options.out, receiptKeyFileNames);
      const kid = await writeReceiptKey(files, options.kid).catch((error: Error) => {
        throw new UserError(error.message);
      });
      const { privateKeyFile, publicKeysFile } = files;
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ kid, privateKeyFile, publicKeysFile })}\n`
          : `Key ${kid}: private key in ${privateKeyFile} (keep it secret), public JWKS in ${publicKeysFile}.\n`,
      );
    });
}
