import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { firstIssueSentence } from '../common/zod-sentence.js';

/**
 * A policy or revocation file's text (YAML, so JSON too) through its schema; anything wrong
 * throws one sentence naming the file, and the line or the field to fix.
 */
export function parseFile<S extends z.ZodType>(schema: S, text: string, subject: string): z.infer<S> {
  const document = parseDocument(text);
  const [error] = document.errors;
  // Its message's first line names the problem and its line and column; a code frame follows.
  if (error) throw new Error(`The ${subject} is not valid YAML: ${error.message.split(':\n')[0]}; fix it.`);
  const parsed = schema.safeParse(document.toJS());
  if (!parsed.success) throw new Error(firstIssueSentence(parsed.error, subject));
  return parsed.data;
}
