import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { syncPath, writeSynced } from '../common/durable-files.js';
import { type Checkpoint, type CheckpointSigner, checkpointSchema } from './checkpoint.js';
import { LineTail } from './line-tail.js';
import { appendToFrontier } from './merkle/compact-range.js';
import type { AuditRecord } from './record.js';
import { type AppendResult, AuditCorruptError, type AuditEntry, type AuditStore } from './store.js';
import {
  AuditStoreBase,
  checkRange,
  parseJson,
  parseStoredEntry,
  prepareAppend,
  resultForExisting,
} from './store-base.js';

/**
 * The embedded store: two append-only JSON-lines files in one directory, fsynced on every append.
 *
 *   entries.jsonl      one {"index","identity","leafHash","record"} per line
 *   checkpoints.jsonl  one signed checkpoint per append; line i has tree size i + 1
 *
 * An append writes its entry, then its checkpoint; a record counts once a checkpoint covers it.
 * Readers read checkpoints before entries, so whatever checkpoint they see has its entry on disk.
 * Writers on one host serialise through a lock directory (proper-lockfile); the lock is not safe on
 * network file systems shared by several hosts — use the PostgreSQL store for that.
 */

const ENTRIES = 'entries.jsonl';
const CHECKPOINTS = 'checkpoints.jsonl';
const LOCK_OPTIONS = {
  lockfilePath: '',
  realpath: false,
  stale: 10_000,
  retries: { retries: 400, factor: 1.3, minTimeout: 2, maxTimeout: 100 },
};

const appendLine = (path: string, value: unknown): Promise<void> =>
  writeSynced(path, `${JSON.stringify(value)}\n`, 'a');

async function ensureFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of [ENTRIES, CHECKPOINTS]) await (await open(join(dir, name), 'a')).close();
  await syncPath(dir);
}

class FileAuditStore extends AuditStoreBase implements AuditStore {
  private readonly entriesTail: LineTail;
  private readonly checkpointsTail: LineTail;
  private entryList: AuditEntry[] = [];
  private readonly byIdentity = new Map<string, AuditEntry>();
  private checkpointList: Checkpoint[] = [];
  private frontier: Buffer[] = [];
  /**
   * One checkpoint line per append, so the line count is the number of committed records: a forged
   * size inside the last checkpoint cannot hide the records after it.
   */
  private checkpointLines = 0;
  private entryFault: AuditCorruptError | undefined;
  private checkpointFault: AuditCorruptError | undefined;
  /** Serialises this instance's own reads and writes of the in-memory state. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    signer: CheckpointSigner | undefined,
  ) {
    super(signer);
    this.entriesTail = new LineTail(join(dir, ENTRIES));
    this.checkpointsTail = new LineTail(join(dir, CHECKPOINTS));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private get committedSize(): number {
    return this.checkpointLines;
  }

  /** Absorbs lines other processes appended. Checkpoints first: see the module comment. */
  private async refresh(): Promise<void> {
    for (const line of await this.checkpointsTail.readNew()) this.absorbCheckpoint(line);
    for (const line of await this.entriesTail.readNew()) this.absorbEntry(line);
  }

  private absorbCheckpoint(line: string): void {
    this.checkpointLines++;
    if (this.checkpointFault) return;
    const parsed = checkpointSchema.safeParse(parseJson(line));
    if (parsed.success) this.checkpointList.push(parsed.data);
    else {
      const index = this.checkpointList.length;
      this.checkpointFault = new AuditCorruptError(index, `checkpoint line ${index + 1} is unreadable`);
    }
  }

  private absorbEntry(line: string): void {
    if (this.entryFault) return;
    const index = this.entryList.length;
    try {
      const entry = parseStoredEntry(parseJson(line), index);
      if (this.byIdentity.has(entry.identity)) {
        throw new AuditCorruptError(index, `record ${index} repeats identity "${entry.identity}"`);
      }
      this.entryList.push(entry);
      this.byIdentity.set(entry.identity, entry);
      this.frontier = appendToFrontier(this.frontier, index, Buffer.from(entry.leafHash, 'hex'));
    } catch (error) {
      if (!(error instanceof AuditCorruptError)) throw error;
      this.entryFault = error;
    }
  }

  /** Under the lock: undo the traces of a writer that crashed mid-append (it never reported success). */
  private async repairInterruptedAppend(): Promise<void> {
    for (const tail of [this.checkpointsTail, this.entriesTail]) {
      if (tail.fileSize > tail.offset) await tail.truncateTo(tail.offset);
    }
    const orphan = this.entryList.at(-1);
    if (
      this.entryFault ||
      this.checkpointFault ||
      !orphan ||
      this.entryList.length !== this.committedSize + 1
    ) {
      return;
    }
    await this.entriesTail.truncateTo(this.entriesTail.lastLineStart);
    this.entryList.pop();
    this.byIdentity.delete(orphan.identity);
    this.frontier = this.entryList.reduce<Buffer[]>(
      (frontier, entry, i) => appendToFrontier(frontier, i, Buffer.from(entry.leafHash, 'hex')),
      [],
    );
  }

  private requireIntact(): void {
    const fault = this.entryFault ?? this.checkpointFault;
    if (fault) throw fault;
    const signed = this.checkpointList.at(-1)?.size ?? 0;
    if (this.entryList.length !== this.committedSize || signed !== this.committedSize) {
      throw new AuditCorruptError(
        Math.min(this.entryList.length, this.committedSize, signed),
        `the log holds ${this.entryList.length} records, ${this.committedSize} checkpoints, the latest of size ${signed}`,
      );
    }
  }

  append(identity: string, record: AuditRecord): Promise<AppendResult> {
    const signer = this.writer();
    return this.serial(async () => {
      const release = await lockfile.lock(this.dir, {
        ...LOCK_OPTIONS,
        lockfilePath: join(this.dir, '.lock'),
      });
      try {
        await this.refresh();
        await this.repairInterruptedAppend();
        this.requireIntact();
        const existing = this.byIdentity.get(identity);
        if (existing)
          return resultForExisting(existing, record, this.checkpointList[existing.index] as Checkpoint);
        const size = this.entryList.length;
        const { entry, checkpoint } = prepareAppend(
          signer,
          identity,
          record,
          size,
          this.frontier,
          this.checkpointList.at(-1),
        );
        await appendLine(this.entriesTail.path, entry);
        await appendLine(this.checkpointsTail.path, checkpoint);
        await this.refresh();
        return { index: entry.index, leafHash: entry.leafHash, checkpoint, duplicate: false };
      } finally {
        await release();
      }
    });
  }

  size(): Promise<number> {
    return this.serial(async () => {
      await this.refresh();
      return this.committedSize;
    });
  }

  entries(from = 0, to?: number): Promise<AuditEntry[]> {
    return this.serial(async () => {
      await this.refresh();
      const end = to ?? this.committedSize;
      checkRange(from, end, this.committedSize);
      if (end > this.entryList.length) {
        throw (
          this.entryFault ??
          new AuditCorruptError(
            this.entryList.length,
            `record ${this.entryList.length} is missing: the latest checkpoint covers ${this.committedSize} records`,
          )
        );
      }
      return this.entryList.slice(from, end);
    });
  }

  async byRunId(runId: string): Promise<AuditEntry[]> {
    return (await this.entries()).filter((entry) => entry.record.run_id === runId);
  }

  checkpoints(): Promise<Checkpoint[]> {
    return this.serial(async () => {
      await this.refresh();
      if (this.checkpointFault) throw this.checkpointFault;
      return [...this.checkpointList];
    });
  }

  async close(): Promise<void> {
    await this.queue;
  }
}

/** Opens (creating if needed) the file store in `dir`; without a signer it is read-only. */
export async function openFileAuditStore(dir: string, signer?: CheckpointSigner): Promise<AuditStore> {
  await ensureFiles(dir);
  return new FileAuditStore(dir, signer);
}
