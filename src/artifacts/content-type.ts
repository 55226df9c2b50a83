import { extname } from 'node:path';

const FALLBACK = 'application/octet-stream';
// IANA's registrations first, as the mime-types package ranks them.
const SOURCE_RANK: Record<string, number> = { iana: 3, apache: 2, nginx: 1 };

let byExtension: Map<string, string> | undefined;

async function extensionTable(): Promise<Map<string, string>> {
  const { default: db } = await import('mime-db');
  const table = new Map<string, { type: string; rank: number }>();
  for (const [type, { source, extensions = [] }] of Object.entries(db)) {
    const rank = SOURCE_RANK[source ?? ''] ?? 0;
    for (const extension of extensions) {
      const known = table.get(extension);
      if (!known || rank > known.rank) table.set(extension, { type, rank });
    }
  }
  return new Map([...table].map(([extension, { type }]) => [extension, type]));
}

/** The media type of a file name's extension (mime-db), else application/octet-stream. */
export async function contentTypeOf(fileName: string): Promise<string> {
  byExtension ??= await extensionTable();
  return byExtension.get(extname(fileName).slice(1).toLowerCase()) ?? FALLBACK;
}
