import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { examples } from '../../operations/registry.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../receipts/index.js';
import { requestExample } from '../examples.js';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, parseDuration, readReceipt } from '../inputs.js';

const ISSUE_EXAMPLES = `
Examples:
  $ marketops receipt issue --key keys/receipt-signing-key.jwk.json --request release.json --ttl 1h > receipt.jws
  $ marketops receipt issue --key key.jwk.json --request tag.json --ttl 15m --advisory --json

--ttl accepts seconds or a duration: 90, 30s, 15m, 1h (at most 24h).
The request file is one operation request (see docs/receipt-format.md), e.g.
${requestExample(examples.tag_repo, '  ')}`;

const VERIFY_EXAMPLES = `
Examples:
  $ marketops receipt verify --receipt receipt.jws --request release.json --keys keys/receipt-keys.jwks.json
  $ cat receipt.jws | marketops receipt verify --receipt - --request release.json --keys jwks.json --mode dry-run

Prints {"accepted":…,"receiptId":…,"reasons":[{"code":…,"message":…}],"signatures":[…],"note":…},
with one {kid, thumbprint, valid, reasons} per signature (several for a co-signed receipt).
Exit codes: 0 accepted, 3 rejected, 2 usage error (unreadable file, bad key ring).

This is an offline check: it cannot know whether the receipt was already used. Each receipt_id
authorizes one execution; only the executor knows which ids are spent (it rejects a reuse as
ALREADY_CONSUMED), so "accepted" here does not mean the executor will run the operation.`;

/** Printed with every verdict: an accepted receipt may still have been spent. */
const OFFLINE_NOTE =
  'Offline check: signature, claims, request binding and time only. It cannot know whether this receipt was already used; the executor rejects a reused receipt_id as ALREADY_CONSUMED.';

export function registerReceiptCommand(program: Command): void {
  const receipt = program
    .command('receipt')
    .description('Issue, co-sign and verify signed operation receipts (Ed25519 JWS).');
  registerIssue(receipt);
  registerCosign(receipt);
  registerVerify(receipt);
}

const COSIGN_EXAMPLES = `
Examples:
  $ marketops receipt cosign --receipt receipt.jws --request release.json --key bob.jwk.json > receipt.json
  $ marketops receipt cosign --receipt receipt.json --request release.json --key carol.jwk.json > receipt3.json

Prints the receipt with the new signature last, in the JWS JSON general serialization on one line
(docs/receipt-format.md section 3.4). The payload and the signatures already there are unchanged, so
the receipt keeps its receipt_id: it is still used once, however many approvers signed it.`;

interface CosignFlags {
  receipt: string;
  request: string;
  key: string;
}

function registerCosign(receipt: Command): void {
  receipt
    .command('cosign')
    .description("Add an approver's signature to an existing receipt, for the same operation request.")
    .requiredOption('--receipt <file>', 'receipt file (compact or JSON), or - to read it from stdin')
    .requiredOption(
      '--request <file>',
      'the operation request the receipt authorizes; checked before signing',
    )
    .requiredOption('--key <file>', "the co-signer's private Ed25519 JWK")
    .addHelpText('after', COSIGN_EXAMPLES)
    .action(async (flags: CosignFlags) => {
      const [{ readJsonFile }, { addSignature, parseOperationRequest }] = await Promise.all([
        import('../../common/files.js'),
        import('../../receipts/index.js'),
      ]);
      const token = await asUserError(readReceipt(flags.receipt));
      const parsed = parseOperationRequest(
        await asUserError(readJsonFile(flags.request, 'an operation request')),
      );
      if (!parsed.ok) throw new UserError(`${flags.request}: ${parsed.message}`);
      const privateJwk = await asUserError(readJsonFile(flags.key, 'a private Ed25519 JWK'));
      process.stdout.write(`${await asUserError(addSignature(token, privateJwk, parsed.request))}\n`);
    });
}

interface IssueFlags {
  key: string;
  request: string;
  ttl: number;
  advisory?: boolean;
  audience: string;
  issuer: string;
  json?: boolean;
}

function registerIssue(receipt: Command): void {
  receipt
    .command('issue')
    .description('Sign a receipt that authorizes exactly one operation request.')
    .requiredOption('--key <file>', 'private Ed25519 JWK (from `marketops keygen`)')
    .requiredOption('--request <file>', 'operation request JSON file')
    .requiredOption('--ttl <duration>', 'lifetime: 30s, 15m, 1h … (at most 24h)', parseDuration)
    .option('--advisory', 'issue an advisory receipt (enforceable: false), which executors reject')
    .option('--audience <aud>', 'the executor identity the receipt is for', DEFAULT_AUDIENCE)
    .option('--issuer <iss>', 'the issuer name written into the receipt', DEFAULT_ISSUER)
    .option('--json', 'print {receipt, receiptId, kid, opDigest, expiresAt} instead of the bare token')
    .addHelpText('after', ISSUE_EXAMPLES)
    .action(async (flags: IssueFlags) => {
      const [{ readJsonFile }, { issueReceipt, opDigest, parseOperationRequest }] = await Promise.all([
        import('../../common/files.js'),
        import('../../receipts/index.js'),
      ]);
      const privateJwk = (await asUserError(readJsonFile(flags.key, 'a private Ed25519 JWK'))) as JWK;
      const parsed = parseOperationRequest(
        await asUserError(readJsonFile(flags.request, 'an operation request')),
      );
      if (!parsed.ok) throw new UserError(`${flags.request}: ${parsed.message}`);
      const now = new Date();
      const receiptId = randomUUID();
      const token = await asUserError(
        issueReceipt(privateJwk, parsed.request, {
          ttlSeconds: flags.ttl,
          audience: flags.audience,
          issuer: flags.issuer,
          enforceable: !flags.advisory,
          now,
          receiptId,
        }),
      );
      if (!flags.json) return void process.stdout.write(`${token}\n`);
      const expiresAt = new Date((Math.floor(now.getTime() / 1000) + flags.ttl) * 1000).toISOString();
      const summary = {
        receipt: token,
        receiptId,
        kid: privateJwk.kid,
        opDigest: opDigest(parsed.request),
        expiresAt,
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}

interface VerifyFlags {
  receipt: string;
  request: string;
  keys: string;
  audience: string;
  mode: string;
}

function registerVerify(receipt: Command): void {
  receipt
    .command('verify')
    .description(
      'Check a receipt against an operation request and a key ring, offline: it cannot know whether the receipt was already used. Prints the verdict as JSON.',
    )
    .requiredOption('--receipt <file>', 'receipt file, or - to read it from stdin')
    .requiredOption('--request <file>', 'operation request JSON file')
    .requiredOption('--keys <file>', 'JWKS of trusted Ed25519 public keys')
    .option('--audience <aud>', 'this executor identity', DEFAULT_AUDIENCE)
    .option('--mode <mode>', 'executor mode; anything but "prod" adds MODE_NOT_PROD', 'prod')
    .addHelpText('after', VERIFY_EXAMPLES)
    .action(async (flags: VerifyFlags) => {
      const [{ readJsonFile }, { readKeyRingFile, verifyReceipt }] = await Promise.all([
        import('../../common/files.js'),
        import('../../receipts/index.js'),
      ]);
      const token = (await asUserError(readReceipt(flags.receipt))).trim();
      const request = await asUserError(readJsonFile(flags.request, 'an operation request'));
      const keys = await asUserError(readKeyRingFile(flags.keys));
      const verdict = await verifyReceipt(token, request, {
        keys,
        now: new Date(),
        mode: flags.mode,
        audience: flags.audience,
      });
      const reasons = verdict.accepted ? [] : verdict.reasons;
      const output = {
        accepted: verdict.accepted,
        receiptId: verdict.receiptId ?? null,
        reasons,
        signatures: verdict.signatures,
        note: OFFLINE_NOTE,
      };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      process.exitCode = verdict.accepted ? ExitCode.ok : ExitCode.rejected;
    });
}
