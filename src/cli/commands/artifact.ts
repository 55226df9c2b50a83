import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { ExitCode, UserError } from '../exit-codes.js';
import { configFromEnv } from '../inputs.js';
import { print } from '../outcome.js';

/** GitHub takes release assets under 2 GiB. */
const MAX_ASSET_BYTES = 2 * 1024 ** 3;

const ADD_EXAMPLES = `
Examples:
  $ marketops artifact add dist/app-linux-amd64.tar.gz dist/checksums.txt
  $ marketops artifact add build/app --name app-darwin-arm64 --content-type application/octet-stream --json

Stores each file under its sha256 in the artifact store (MARKETOPS_ARTIFACT_STORE, default
.data/artifacts; see docs/artifacts.md) and prints the entries to paste into a request's or a
plan's "assets". Storing a file again is harmless.`;

type AddFlags = { contentType?: string; name?: string; label?: string; json?: boolean };
type AssetEntry = { name: string; size: number; sha256: string; content_type: string; label?: string };

/** The store's own sentences (unreachable, refused, changed bytes) are failures: exit 1. */
const asFailure = <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: Error) => {
    throw new UserError(error.message, ExitCode.failure);
  });

async function openStore() {
  const { artifacts } = await configFromEnv();
  const { openArtifactStore } = await import('../../artifacts/index.js');
  return openArtifactStore(artifacts);
}

/** Every file is checked before any is stored, so a typo stores nothing. */
async function checkFile(file: string): Promise<void> {
  const stats = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`Cannot read ${file} (${error.code ?? 'unreadable'}); check the path.`);
  });
  if (!stats.isFile()) throw new UserError(`${file} is not a file; name the files to store.`);
  if (stats.size >= MAX_ASSET_BYTES) {
    throw new UserError(
      `${file} is ${stats.size} bytes; GitHub takes release assets under 2 GiB, so split it.`,
    );
  }
}

async function add(files: string[], flags: AddFlags): Promise<void> {
  if (files.length > 1 && (flags.name !== undefined || flags.label !== undefined)) {
    throw new UserError('--name and --label name one file; give one file with them, or drop them.');
  }
  for (const file of files) await checkFile(file);
  const store = await openStore();
  const { contentTypeOf } = await import('../../artifacts/index.js');
  const assets: AssetEntry[] = [];
  for (const file of files) {
    const { sha256, size } = await asFailure(store.put(createReadStream(file)));
    const name = flags.name ?? basename(file);
    const content_type = flags.contentType ?? (await contentTypeOf(name));
    assets.push({
      name,
      size,
      sha256,
      content_type,
      ...(flags.label === undefined ? {} : { label: flags.label }),
    });
  }
  const human = [
    `Stored ${files.length} file${files.length === 1 ? '' : 's'} in ${store.location}. The request's or plan's assets:`,
    JSON.stringify(assets, null, 2),
  ].join('\n');
  print(flags.json, { store: store.location, assets }, human);
}

/** Re-hashes a stored artifact: exit 0 when its bytes still hash to its name. */
async function verify(sha256: string): Promise<void> {
  const { assertSha256, readVerifiedArtifact } = await import('../../artifacts/index.js');
  try {
    assertSha256(sha256);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const store = await openStore();
  const opened = await asFailure(store.open(sha256));
  if (!opened.found) {
    throw new UserError(
      `Artifact ${sha256} is not in ${store.location}; store it with marketops artifact add.`,
      ExitCode.failure,
    );
  }
  const artifact = { name: `sha256:${sha256}`, sha256, size: opened.size };
  // Reading to the end is the check: the reader fails on bytes that do not hash to the name.
  await asFailure(readVerifiedArtifact(store, artifact).then((stream) => finished(stream.resume())));
  process.stdout.write(`Artifact ${sha256} is intact: ${opened.size} bytes in ${store.location}.\n`);
}

export function registerArtifactCommand(program: Command): void {
  const artifact = program
    .command('artifact')
    .description('Release asset bytes in the content-addressed artifact store (docs/artifacts.md).');
  artifact
    .command('add')
    .description("Store files and print their entries for a request's or a plan's assets.")
    .argument('<files...>', 'files to store')
    .option(
      '--content-type <type>',
      'media type (default: guessed from the extension, else application/octet-stream)',
    )
    .option('--name <name>', "the asset's name on GitHub (default: the file's name; one file only)")
    .option('--label <label>', "the asset's label on GitHub (one file only)")
    .option('--json', 'print JSON')
    .addHelpText('after', ADD_EXAMPLES)
    .action(add);
  artifact
    .command('verify')
    .description('Re-hash a stored artifact; exit 1 when it is missing or its bytes changed.')
    .argument('<sha256>', 'the artifact, by its sha256 (hex)')
    .action(verify);
}
