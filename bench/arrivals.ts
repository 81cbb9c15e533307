/**
 * Where the benchmarks' pages arrive: an HTTP receiver on a thread of its own, timing each request when its
 * body has arrived. A receiver on the benchmark's main thread (test/channels/receivers.ts) shares that thread
 * with Marshal, so a page sent while Marshal is busy there (writing the inbox row, answering a request) would be
 * timed when Marshal lets go rather than when it came; a phone or a chat service is never held up that way.
 *
 *   const arrivals = await startArrivals(); // policy contact: { kind: 'webhook', url: arrivals.url }
 *   await arrivals.waitFor(1); arrivals.received[0].json, arrivals.received[0].at
 */
import { Worker } from 'node:worker_threads';
import { until } from '../test/support/wait';

export interface Arrival {
  json: unknown;
  at: Date;
}

export interface Arrivals {
  url: string;
  /** Every request, in arrival order. */
  received: Arrival[];
  /** Resolves once `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// Plain JavaScript: a worker thread evaluates it as it is.
const RECEIVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const at = Date.now();
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    parentPort.postMessage({ body: Buffer.concat(chunks).toString('utf8'), at });
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
`;

export async function startArrivals(): Promise<Arrivals> {
  const thread = new Worker(RECEIVER, { eval: true });
  const received: Arrival[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    thread.once('error', reject);
    thread.on('message', (message: { port?: number; body?: string; at?: number }) => {
      if (message.port !== undefined) return resolve(message.port);
      let json: unknown;
      try {
        json = JSON.parse(message.body ?? '');
      } catch {
        json = undefined;
      }
      received.push({ json, at: new Date(message.at ?? 0) });
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      await until(`${count} requests at the receiver`, () => received.length >= count, timeoutMs, 20);
    },
    async close() {
      const exited = new Promise((resolve) => thread.once('exit', resolve));
      thread.postMessage('close');
      await exited;
    },
  };
}
