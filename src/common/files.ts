import { readFile } from 'node:fs/promises';

/** Reads a text file; a failure becomes one sentence naming the file and what it should hold. */
export async function readTextFile(path: string, holds: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read ${holds} from ${path} (${code ?? 'read failed'}); check the path.`);
  }
}

/** Reads a JSON file; failures become one sentence naming the file and what it should hold. */
export async function readJsonFile(path: string, holds: string): Promise<unknown> {
  const text = await readTextFile(path, holds);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; it should hold ${holds}.`);
  }
}
