/**
 * One JSON POST with the failure classification both HTTP channels share: 2xx delivered; 408, 429 and
 * 5xx worth retrying; any other 4xx (and redirects) permanent; timeouts and network errors worth retrying.
 */
import { PermanentDeliveryError, TransientDeliveryError, type ChannelKind } from './types';

export const HTTP_TIMEOUT_MS = 10_000;
const USER_AGENT = 'Marshal (incident notifications)';

export interface PostOptions {
  channel: ChannelKind;
  /** Redacted target used in error messages: never the URL itself, which may embed a token. */
  target: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function postJson(url: URL, body: string, options: PostOptions): Promise<number> {
  const { channel, target } = options;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT, ...options.headers },
      body,
      // A redirect would turn the POST into a GET and drop the signature; the policy should name the final URL.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? HTTP_TIMEOUT_MS),
    });
  } catch (error) {
    const why = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : describe(error);
    throw new TransientDeliveryError(`${channel} to ${target}: ${why}`, channel, target, undefined, { cause: error });
  }
  // Read (a little of) the answer: it explains failures, and reading frees the connection for reuse.
  const answer = (await response.text().catch(() => '')).slice(0, 200).trim();
  const status = response.status;
  if (status >= 200 && status < 300) return status;
  const message = `${channel} to ${target} answered ${status}${answer ? `: ${answer}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const error = new TransientDeliveryError(message, channel, target, status);
    const retryAfter = Number(response.headers.get('retry-after'));
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
    // fetch refuses URLs with credentials; say so here rather than as a confusing network error.
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) return url;
  } catch {
    // fall through to the same message
  }
  throw new PermanentDeliveryError(`${channel} to ${target}: not an http(s) URL without credentials`, channel, target);
}

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}

/** The host of a URL, for messages: paths and query strings of webhook URLs often carry tokens. */
export function redactUrl(raw: string): string {
  return /^[a-z]+:\/\/(?:[^/?#@]*@)?([^/?#]+)/i.exec(raw)?.[1] ?? '(malformed URL)';
}
