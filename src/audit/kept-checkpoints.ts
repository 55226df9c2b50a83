import type { JWK } from 'jose';
import { readTextFile } from '../common/files.js';
import { checkpointFromNote } from './checkpoint.js';
import { keptAnchorsIn } from './history-anchors.js';
import type { KeptAnchor } from './verify.js';

/**
 * A file of checkpoints an auditor kept, for `audit verify --checkpoints`. Either the whole file is one
 * JSON value, or it is a sequence of items, blank lines between them allowed:
 *
 *   - a signed note, as in a checkpoint's `text`: origin, size, root hash, a blank line, signature lines;
 *   - one JSON value on one line: a checkpoint object, a workflow result or audit anchor carrying one
 *     (`audit.checkpoint`), a Temporal history, or anything holding those.
 *
 * Items are named "<file> line <n>" in any failure.
 */

const SIGNATURE_LINE = '— ';

interface Item {
  line: number;
  text: string;
  kind: 'json' | 'note';
}

/** Splits the lines into items; a note runs from its origin line through its last signature line. */
function items(lines: readonly string[]): Item[] {
  const found: Item[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') i++;
    else if (/^\s*[[{]/.test(line)) {
      found.push({ line: i + 1, text: line, kind: 'json' });
      i++;
    } else {
      const start = i;
      while (i < lines.length && lines[i] !== '') i++;
      i++; // the blank line between a note's body and its signatures
      while (i < lines.length && lines[i]?.startsWith(SIGNATURE_LINE)) i++;
      found.push({ line: start + 1, text: `${lines.slice(start, i).join('\n')}\n`, kind: 'note' });
    }
  }
  return found;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${where} is neither a signed note nor one line of JSON; fix or remove it.`);
  }
}

function itemAnchors(item: Item, name: string, keys: readonly JWK[]): KeptAnchor[] {
  const source = `${name} line ${item.line}`;
  if (item.kind === 'json') return keptAnchorsIn(parseJson(item.text, source), source);
  const checkpoint = checkpointFromNote(item.text, keys);
  if (!checkpoint) throw new Error(`${source} is not a signed checkpoint note; fix or remove it.`);
  return [{ source, checkpoint }];
}

/** The kept checkpoints in `text`; throws one sentence naming the line when an item is unreadable. */
export function parseKeptCheckpoints(text: string, name: string, keys: readonly JWK[]): KeptAnchor[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  const anchors =
    whole === undefined
      ? items(text.split(/\r?\n/)).flatMap((item) => itemAnchors(item, name, keys))
      : keptAnchorsIn(whole, name);
  if (anchors.length === 0)
    throw new Error(`${name} holds no checkpoint; pass a file of signed notes or results that carry one.`);
  return anchors;
}

export async function readKeptCheckpoints(path: string, keys: readonly JWK[]): Promise<KeptAnchor[]> {
  const text = await readTextFile(path, 'the kept checkpoints');
  return parseKeptCheckpoints(text, path, keys);
}
