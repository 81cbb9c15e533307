/**
 * Real local peers for delivery tests: an HTTP receiver that behaves like a careful webhook consumer
 * (verifies Marshal's signature, drops retries by Idempotency-Key, answers Slack's "ok") and an SMTP
 * server that keeps every message it accepts. Both listen on 127.0.0.1 with a port the OS picks, so
 * tests can run in parallel; always `await close()` (e.g. in afterAll).
 *
 *   const hook = await startWebhookReceiver({ secret: 's3cret' });
 *   // policy contact: { kind: 'webhook', url: hook.url, signingSecretEnv: 'X' } with env X=s3cret
 *   await hook.waitFor(1); expect(hook.received[0].json).toMatchObject({ kind: 'page' });
 *
 *   const smtp = await startSmtpServer();
 *   // SmtpSettings: { host: '127.0.0.1', port: smtp.port, from: 'marshal@example.com' }
 *   await smtp.waitFor(1); expect(smtp.received[0].subject).toContain('[SEV1]');
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature } from '../../activities/channels';

export interface ReceivedWebhook {
  /** The Idempotency-Key header, if any. */
  key?: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  json: unknown;
  at: Date;
}

export interface WebhookRequest extends ReceivedWebhook {
  /** accepted: new key, shown once · duplicate: key seen before · failed: a simulated failure · rejected: bad signature. */
  outcome: 'accepted' | 'duplicate' | 'failed' | 'rejected';
  status: number;
}

export interface WebhookReceiver {
  /** POST anything under this URL (paths are recorded but not routed). */
  url: string;
  port: number;
  /** What a user would see: accepted deliveries, one per idempotency key, in arrival order. */
  received: ReceivedWebhook[];
  /** Every request with how it was answered: retries show up here as `duplicate` or `failed`. */
  requests: WebhookRequest[];
  /** Answer the next `count` requests with `status` (default 500) before accepting again. */
  failNext(count: number, status?: number): void;
  /** Resolves once `count` deliveries were accepted; rejects after `timeoutMs` saying what did arrive. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export interface WebhookReceiverOptions {
  /** When set, requests without a valid X-Marshal-Signature (or with a stale timestamp) get 401. */
  secret?: string;
  /** Answer the first `failFirst` requests with `failStatus` (default 500); Infinity for a receiver that always fails. */
  failFirst?: number;
  failStatus?: number;
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const requests: WebhookRequest[] = [];
  const seen = new Set<string>();
  let failures = { left: options.failFirst ?? 0, status: options.failStatus ?? 500 };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = header(req.headers['idempotency-key']);
      const delivery: ReceivedWebhook = { key, path: req.url ?? '/', headers: req.headers, body, json: parseJson(body), at: new Date() };
      const answer = (status: number, outcome: WebhookRequest['outcome'], text: string) => {
        requests.push({ ...delivery, outcome, status });
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
      };
      const signed = header(req.headers['x-marshal-signature']);
      const timestamp = header(req.headers['x-marshal-timestamp']);
      if (options.secret !== undefined && !verifyWebhookSignature(options.secret, timestamp, body, signed)) {
        return answer(401, 'rejected', 'invalid signature');
      }
      if (failures.left > 0) {
        failures.left -= 1;
        return answer(failures.status, 'failed', 'simulated failure');
      }
      // A retry of something already shown: acknowledge it (so the sender stops) but show it only once.
      if (key !== undefined && seen.has(key)) return answer(200, 'duplicate', 'ok');
      if (key !== undefined) seen.add(key);
      received.push(delivery);
      answer(200, 'accepted', 'ok'); // Slack answers a plain "ok"
    });
  });
  const port = await listen(server);

  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    requests,
    failNext(count, status = 500) {
      failures = { left: count, status };
    },
    waitFor: (count, timeoutMs) => waitFor(() => received, count, timeoutMs, 'webhook deliveries'),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

export interface ReceivedEmail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO), not the headers. */
  envelopeFrom: string;
  envelopeTo: string[];
  /** The message as received (DATA). */
  raw: string;
  /** Top-level headers, names lower-cased, folded lines joined; the first occurrence wins. */
  headers: Record<string, string>;
  /** Decoded from RFC 2047 encoded words. */
  subject: string;
  messageId?: string;
  /** The text/plain part, transfer-decoded, with \n line ends; html likewise when present. */
  text: string;
  html?: string;
  at: Date;
}

export interface SmtpTestServer {
  host: '127.0.0.1';
  port: number;
  received: ReceivedEmail[];
  /** Answer the next `count` RCPT TO commands with 451 (a transient SMTP failure). */
  failNext(count: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (over plain TCP: it is a test server). */
  auth?: { user: string; pass: string };
  /** Recipients answered with 550 (a permanent failure). */
  rejectRecipients?: string[];
}

/** A real SMTP server (smtp-server): no TLS, so STARTTLS is not offered and nodemailer speaks plain SMTP. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedEmail[] = [];
  let failuresLeft = 0;
  const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

  const server = new SMTPServer({
    secure: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
      callback(ok ? null : smtpError('Invalid username or password', 535), ok ? { user: auth.username } : undefined);
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) return callback(smtpError('No such user here', 550));
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return callback(smtpError('Try again later', 451));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        received.push({
          ...parseMessage(raw),
          envelopeFrom: from ? from.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          at: new Date(),
        });
        callback();
      });
    },
  });
  const port = await listen(server.server);

  return {
    host: '127.0.0.1',
    port,
    received,
    failNext(count) {
      failuresLeft = count;
    },
    waitFor: (count, timeoutMs) => waitFor(() => received, count, timeoutMs, 'emails'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- helpers -------------------------------------------------------------------------------------

function listen(server: { listen(port: number, host: string): unknown; once(event: string, fn: (...args: never[]) => void): unknown; address(): unknown }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve((server.address() as AddressInfo).port));
    server.listen(0, '127.0.0.1');
  });
}

async function waitFor<T>(list: () => T[], count: number, timeoutMs = 10_000, what: string): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (list().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} ${what} within ${timeoutMs} ms, got ${list().length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return list();
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Just enough MIME for nodemailer's output: headers, and text/html parts of a multipart/alternative. */
function parseMessage(raw: string): Pick<ReceivedEmail, 'headers' | 'subject' | 'messageId' | 'text' | 'html'> {
  const { headers, body } = splitHeaders(raw);
  const parts: { headers: Record<string, string>; body: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      parts.push(splitHeaders(chunk.replace(/^\r?\n/, '')));
    }
  } else {
    parts.push({ headers, body });
  }
  const part = (type: string) => {
    const found = parts.find((p) => (p.headers['content-type'] ?? 'text/plain').startsWith(type));
    // Lines end in \n here, whatever the wire used, so assertions need not care.
    return found && transferDecode(found.body, found.headers['content-transfer-encoding']).replace(/\r\n/g, '\n');
  };
  return {
    headers,
    subject: decodeWords(headers.subject ?? ''),
    messageId: headers['message-id'],
    text: part('text/plain') ?? '',
    html: part('text/html'),
  };
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function transferDecode(body: string, encoding = '7bit'): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return quotedPrintable(body.replace(/=\r?\n/g, ''));
    default:
      return body;
  }
}

/** Decodes =XX escapes; the bytes are read as UTF-8, or as latin1 to keep them raw for concatenation. */
function quotedPrintable(text: string, as: BufferEncoding = 'utf8'): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString(as);
}

/** RFC 2047 `=?UTF-8?B|Q?…?=` words. Adjacent words are decoded together: a character may span two. */
function decodeWords(value: string): string {
  const word = /=\?[^?]+\?([BbQq])\?([^?]*)\?=/g;
  return value.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=\s*)+/g, (run) => {
    const bytes = [...run.matchAll(word)].map(([, encoding, text]) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : Buffer.from(quotedPrintable(text.replace(/_/g, ' '), 'latin1'), 'latin1'),
    );
    return Buffer.concat(bytes).toString('utf8') + (/\s$/.test(run) ? ' ' : '');
  });
}
