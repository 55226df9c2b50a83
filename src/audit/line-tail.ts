import { open } from 'node:fs/promises';

/** Reads the complete lines appended to a file since the last call. */
export class LineTail {
  offset = 0;
  lastLineStart = 0;
  fileSize = 0;

  constructor(readonly path: string) {}

  async readNew(): Promise<string[]> {
    const handle = await open(this.path, 'r');
    try {
      this.fileSize = (await handle.stat()).size;
      if (this.fileSize <= this.offset) return [];
      const buffer = Buffer.alloc(this.fileSize - this.offset);
      await handle.read(buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a) + 1;
      const lines = buffer.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
      if (lines.length > 0) this.lastLineStart = this.offset + end - Buffer.byteLength(`${lines.at(-1)}\n`);
      this.offset += end;
      return lines;
    } finally {
      await handle.close();
    }
  }

  /** Cuts the file back to `offset`: drops a torn write left by a writer that crashed. */
  async truncateTo(offset: number): Promise<void> {
    const handle = await open(this.path, 'r+');
    try {
      await handle.truncate(offset);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.offset = offset;
    this.fileSize = offset;
  }
}
