import { connect } from 'node:net';

const INTERVAL_MS = 1_000;
const TIMEOUT_MS = 5_000;
/** One refusal could be a blip; two in a row, a second apart, mean nothing listens any more. */
const MISSES = 2;

/** Resolves with why a TCP connection to `host:port` failed, or undefined once one is accepted. */
function probe(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(new Error(`no answer within ${TIMEOUT_MS / 1000} s`));
    });
    socket.once('error', resolve);
  });
}

/**
 * Calls `onGone` once when nothing accepts connections on `host:port` any more. The Temporal dev
 * server is a child of the SDK's native runtime, whose exit Node cannot observe; whether its port
 * still accepts is the next best sign, and unlike an RPC it does not fail because the server is busy.
 * Returns the function that stops watching.
 */
export function watchPort(
  host: string,
  port: number,
  onGone: (error: NodeJS.ErrnoException) => void,
): () => void {
  let misses = 0;
  let watching = true;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const error = await probe(host, port);
    misses = error ? misses + 1 : 0;
    if (!watching) return;
    if (error && misses >= MISSES) {
      watching = false;
      onGone(error);
      return;
    }
    timer = setTimeout(check, INTERVAL_MS).unref();
  };
  timer = setTimeout(check, INTERVAL_MS).unref();
  return () => {
    watching = false;
    clearTimeout(timer);
  };
}
