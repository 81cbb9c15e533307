/**
 * Starting the embedded engine: a server that exits while starting (a port taken under it) is started
 * again, and one that keeps exiting fails with the reason from its own log, not just an exit code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, startDevServer } from '../../server/runtime/dev-server';

/** Hold a port on loopback, as another program would. */
async function holdPort(port: number): Promise<Server> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  return holder;
}

describe('starting the embedded Temporal server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'marshal-dev-server-'));
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts again when the server exits during start-up, and answers', async () => {
    const metricsPort = await freePort();
    const holder = await holdPort(metricsPort);
    // The first attempt finds its metrics port taken and exits; the port is freed when Marshal says it will retry.
    const said = vi.spyOn(console, 'error').mockImplementation((message: string) => {
      if (message.includes('starting it again')) holder.close();
    });
    const server = await startDevServer({ dataDir, headless: true, metricsPort });
    try {
      expect(said.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringMatching(/exited with code 1 \(Error: can't set metrics port \d+.*\); see .*temporal.log; starting it again \(attempt 2 of 3\)/),
      ]);
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('gives up after three attempts with the reason from the server log', async () => {
    const metricsPort = await freePort();
    const holder = await holdPort(metricsPort);
    const said = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(startDevServer({ dataDir, headless: true, metricsPort })).rejects.toThrow(
        new RegExp(`exited with code 1 \\(Error: can't set metrics port ${metricsPort}: .*address already in use\\); see ${dataDir}/temporal.log`),
      );
      expect(said).toHaveBeenCalledTimes(2);
    } finally {
      holder.close();
    }
  });
});
