import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { generateSigningKey } from '../../receipts/index.js';
import { UserError } from '../exit-codes.js';

export const PRIVATE_KEY_FILE = 'receipt-signing-key.jwk.json';
export const PUBLIC_KEYS_FILE = 'receipt-keys.jwks.json';

const EXAMPLES = `
Examples:
  $ marketops keygen --out ./keys
  $ marketops keygen --out ./keys-2025 --kid federation-core-2025 --json

Writes two files into --out:
  ${PRIVATE_KEY_FILE}  the private Ed25519 JWK (mode 0600) for \`marketops receipt issue --key\`
  ${PUBLIC_KEYS_FILE}    the public JWKS for the executor's key ring (\`--keys\`)
To rotate, generate a new key and append its public JWK to the executor's JWKS "keys" array.
Never overwrites existing files.`;

export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('Generate an Ed25519 receipt signing key: a private JWK and a public JWKS.')
    .requiredOption('--out <dir>', 'directory for the key files (created if missing)')
    .option('--kid <kid>', 'key id (default: the RFC 7638 thumbprint of the public key)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { out: string; kid?: string; json?: boolean }) => {
      const privateKeyFile = join(options.out, PRIVATE_KEY_FILE);
      const publicKeysFile = join(options.out, PUBLIC_KEYS_FILE);
      const { privateJwk, publicJwks } = await generateSigningKey(options.kid).catch((error: Error) => {
        throw new UserError(error.message);
      });
      await mkdir(options.out, { recursive: true, mode: 0o700 });
      // Checked up front so a half-written pair is never left behind; 'wx' below still closes the race.
      for (const path of [privateKeyFile, publicKeysFile]) if (existsSync(path)) throw alreadyExists(path);
      await writeNew(privateKeyFile, privateJwk, 0o600);
      await writeNew(publicKeysFile, publicJwks, 0o644);
      const kid = String(privateJwk.kid);
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ kid, privateKeyFile, publicKeysFile })}\n`
          : `Key ${kid}: private key in ${privateKeyFile} (keep it secret), public JWKS in ${publicKeysFile}.\n`,
      );
    });
}

/** 'wx' makes creation atomic with the existence check, so a key is never overwritten. */
async function writeNew(path: string, value: unknown, mode: number): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw alreadyExists(path);
    }
    throw error;
  }
}

const alreadyExists = (path: string): UserError =>
  new UserError(`${path} already exists; choose another --out directory or move the old key away first.`);
