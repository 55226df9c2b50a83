import { readFile } from 'node:fs/promises';

/** Reads a JSON file; failures become one sentence naming the file and what it should hold. */
export async function readJsonFile(path: string, holds: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read ${holds} from ${path} (${code ?? 'read failed'}); check the path.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; it should hold ${holds}.`);
  }
}
