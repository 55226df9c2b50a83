/**
 * A sandbox alone in a process, so a test can measure what it holds in memory (its RSS) while
 * it serves. Prints `{"url","token"}` on one line, then serves until it is killed.
 */
import { startSandbox } from '../../../src/sandbox/index.js';

const sandbox = await startSandbox({ port: 0 });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, token: sandbox.token })}\n`);
