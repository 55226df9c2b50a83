import { hostname } from 'node:os';
import type { ExecutorClient } from '../client/executor-client.js';

const CHECK_EVERY_MS = 250;

/** The identity the SDK gives a worker by default, so the server names this process's pollers so. */
const ownIdentity = () => `${process.pid}@${hostname()}`;

/**
 * Resolves once this process's worker polls the executor's queue, where it serves workflows and
 * activities alike. A listed poller may be a previous start's that the server still
 * remembers, so only this process's identity counts. `stopped` ends the wait (the worker failed).
 */
export async function ownWorkerPolling(
  executor: ExecutorClient,
  stopped: Promise<unknown>,
): Promise<boolean> {
  let waiting = true;
  const stop = () => {
    waiting = false;
  };
  stopped.then(stop, stop);
  while (waiting) {
    const polled = await executor.liveWorkers().then(
      (names) => names.includes(ownIdentity()),
      () => false, // the server is still starting up, or going away: `stopped` decides
    );
    if (polled) return waiting;
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
  }
  return false;
}
