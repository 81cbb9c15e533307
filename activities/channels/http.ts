/**
 * One JSON POST with the failure classification both HTTP channels share: 2xx delivered; 408, 429 and
 * 5xx worth retrying; any other 4xx (and redirects) permanent; timeouts and network errors worth retrying.
 * Sent with node:http(s) on kept-alive connections rather than fetch: measured inside the paging activity, a
 * page to a local receiver took 1 ms instead of 2–3, for less CPU. Redirects are never followed (a redirect
 * would turn the POST into a GET and drop the signature; the policy should name the final URL).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PermanentDeliveryError, TransientDeliveryError, type ChannelKind } from './types';

export const HTTP_TIMEOUT_MS = 10_000;
const USER_AGENT = 'Marshal (incident notifications)';
/** What is kept of an answer: enough to explain a failure, never a receiver's whole body. */
const ANSWER_CHARS = 200;

export interface PostOptions {
  channel: ChannelKind;
  /** Redacted target used in error messages: never the URL itself, which may embed a token. */
  target: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

interface Answer {
  status: number;
  /** The start of the body, for messages. */
  text: string;
  retryAfter?: string;
}

class Unreached extends Error {}

/** The request and its answer within one deadline; a receiver that never finishes answering is cut off. */
function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      const kept: Buffer[] = [];
      let keptBytes = 0;
      response.on('data', (chunk: Buffer) => {
        // Up to four bytes a character: enough bytes for the characters kept, and no more held.
        if (keptBytes >= ANSWER_CHARS * 4) return;
        kept.push(chunk);
        keptBytes += chunk.length;
      });
      response.on('end', () => {
        clearTimeout(deadline);
        const retryAfter = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(kept).toString('utf8'), ...(retryAfter ? { retryAfter } : {}) });
      });
      response.on('error', fail);
    });
    function fail(error: Error) {
      clearTimeout(deadline);
      reject(error);
    }
    const deadline = setTimeout(() => {
      fail(new Unreached('timed out'));
      outgoing.destroy();
    }, timeoutMs);
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

export async function postJson(url: URL, body: string, options: PostOptions): Promise<number> {
  const { channel, target } = options;
  let answer: Answer;
  try {
    answer = await post(url, body, { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT, ...options.headers }, options.timeoutMs ?? HTTP_TIMEOUT_MS);
  } catch (error) {
    throw new TransientDeliveryError(`${channel} to ${target}: ${describe(error)}`, channel, target, undefined, { cause: error });
  }
  const { status } = answer;
  if (status >= 200 && status < 300) return status;
  const text = answer.text.slice(0, ANSWER_CHARS).trim();
  const message = `${channel} to ${target} answered ${status}${text ? `: ${text}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const error = new TransientDeliveryError(message, channel, target, status);
    const retryAfter = Number(answer.retryAfter);
    if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfterSeconds = retryAfter;
    throw error;
  }
  const hint = status >= 300 && status < 400 ? ' (a redirect: configure the final URL)' : '';
  throw new PermanentDeliveryError(message + hint, channel, target, status);
}

/** Parses a configured URL; a malformed one is a policy mistake no retry can fix. */
export function parseUrl(raw: string, channel: ChannelKind, target: string): URL {
  try {
    const url = new URL(raw);
    // Credentials in a URL would be sent to whoever answers a redirect, and logged by proxies: refused.
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) return url;
  } catch {
    // fall through to the same message
  }
  throw new PermanentDeliveryError(`${channel} to ${target}: not an http(s) URL without credentials`, channel, target);
}

/** A network error's code (ECONNREFUSED, ENOTFOUND) says more than its message, and names no path. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

/** The host of a URL, for messages: paths and query strings of webhook URLs often carry tokens. */
export function redactUrl(raw: string): string {
  return /^[a-z]+:\/\/(?:[^/?#@]*@)?([^/?#]+)/i.exec(raw)?.[1] ?? '(malformed URL)';
}
