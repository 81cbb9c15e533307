/**
 * The HTTP channels' transport (activities/channels/http.ts) against receivers that misbehave the way real
 * ones do: never answering, answering forever, answering garbage, closing at once, redirecting, rate
 * limiting with Retry-After, or explaining a failure at great length. Each is a real socket on 127.0.0.1.
 */
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../activities/channels/http';
import { PermanentDeliveryError, TransientDeliveryError } from '../../activities/channels';

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<URL> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=hush`);
}

const receiver = (handler: RequestListener) => listen(createHttpServer(handler));
const send = (url: URL, timeoutMs = 300) => postJson(url, '{"kind":"page"}', { channel: 'webhook', target: url.host, timeoutMs }).catch((error: unknown) => error);

describe('postJson', () => {
  it('delivers on 2xx and sends the JSON body with its length', async () => {
    let got = '';
    const url = await receiver((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (got += chunk));
      req.on('end', () => res.writeHead(204).end());
    });
    await expect(postJson(url, '{"kind":"page","title":"é"}', { channel: 'webhook', target: url.host })).resolves.toBe(204);
    expect(JSON.parse(got)).toEqual({ kind: 'page', title: 'é' });
  });

  it('a receiver that never answers is cut off at the deadline, transient, without the path', async () => {
    const url = await receiver(() => undefined);
    const started = Date.now();
    const error = await send(url, 300);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toBe(`webhook to ${url.host}: timed out`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a 2xx whose body never ends counts as delivered, without waiting past the deadline', async () => {
    const url = await receiver((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    expect(await send(url, 300)).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps only the start of a long answer in the message', async () => {
    const url = await receiver((_req, res) => res.writeHead(500).end('why '.repeat(250_000)));
    const error = await send(url, 5_000);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ status: 500 });
    expect((error as Error).message.length).toBeLessThan(300);
  });

  it("429 with Retry-After is transient and carries the receiver's wait", async () => {
    const url = await receiver((_req, res) => res.writeHead(429, { 'Retry-After': '7' }).end('slow down'));
    const error = await send(url);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
    expect((error as Error).message).toContain('slow down');
  });

  it('a redirect is permanent and not followed', async () => {
    let followed = false;
    const elsewhere = await receiver((_req, res) => {
      followed = true;
      res.writeHead(200).end();
    });
    const url = await receiver((_req, res) => res.writeHead(307, { Location: elsewhere.href }).end());
    const error = await send(url);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toContain('configure the final URL');
    expect(followed).toBe(false);
  });

  it('an answer that is not HTTP is transient, named by its parse error', async () => {
    const url = await listen(createTcpServer((socket) => socket.end('\u0000\u00ffnot http at all\r\n\r\n')));
    const error = await send(url);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toMatch(/^webhook to 127\.0\.0\.1:\d+: HPE_/);
    expect((error as Error).message).not.toContain('hush');
  });

  it('a connection closed before any answer is transient', async () => {
    const url = await listen(createTcpServer((socket) => socket.destroy()));
    const error = await send(url);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toMatch(/^webhook to 127\.0\.0\.1:\d+: \S+/);
  });
});
