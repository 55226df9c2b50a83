import { createServer } from 'node:net';

export { freePort } from '../../src/common/free-port.js';

/**
 * `count` consecutive ports, all free right now, from a random base below 32 768 (Temporal keeps membership
 * ports in a smallint column). Below Linux's ephemeral range no outgoing connection, and no port a worker
 * asks the OS for (its internal metrics listener), takes them before their listener binds.
 */
export async function freePortBlock(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * (32_767 - 20_000 - count));
    let all = true;
    for (let port = base; port < base + count && all; port++) all = await free(port);
    if (all) return base;
  }
}
