/** The tiny HTTP client the commands share: JSON in and out, bearer token, API errors as CliErrors. */
import { CliError, EXIT, exitCodeForStatus } from './exit';

export interface ApiConfig {
  url: string;
  token?: string;
  /** Where the token was looked for, to say so when the server refuses it. */
  tokenSource?: string;
  timeoutMs?: number;
}

/** A successful answer: the body as sent (what --json prints) and parsed. */
export interface Answer<T> {
  status: number;
  text: string;
  body: T;
}

/** The server answers within its own 10 s Temporal deadline; this only guards against a hung connection. */
const DEFAULT_TIMEOUT_MS = 30_000;

export class Api {
  private readonly base: string;

  constructor(private readonly config: ApiConfig) {
    let parsed: URL;
    try {
      parsed = new URL(config.url);
    } catch {
      throw new CliError(EXIT.usage, `--url "${config.url}" is not a URL; expected e.g. http://127.0.0.1:8080`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(EXIT.usage, `--url must be http:// or https://, not "${config.url}"`);
    this.base = config.url.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<Answer<T>> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: object = {}, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  delete<T>(path: string): Promise<Answer<T>> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<Answer<T>> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          ...(this.config.token ? { Authorization: `Bearer ${this.config.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.unreachable(error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw this.refusal(response, parsed);
    if (parsed === undefined) throw new CliError(EXIT.unexpected, `${this.base} answered ${method} ${path} with something other than JSON; is --url pointing at Marshal?`);
    return { status: response.status, text, body: parsed as T };
  }

  /** The API's own words when it gave them, `{error: {message, field}}`; else the HTTP status. */
  private refusal(response: Response, body: unknown): CliError {
    const error = (body as { error?: { message?: unknown; field?: unknown } } | undefined)?.error;
    let message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status} ${response.statusText}`.trim();
    if (typeof error?.field === 'string' && !message.includes(error.field)) message += ` (field ${error.field})`;
    if (response.status === 401) {
      message = this.config.token
        ? `the server refused the token from ${this.config.tokenSource ?? '--token'}: ${message}`
        : `no token: pass --token, set MARSHAL_TOKEN, or run where ${this.config.tokenSource ?? 'data/admin-token'} exists`;
    }
    return new CliError(exitCodeForStatus(response.status), message);
  }

  private unreachable(error: unknown): CliError {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return new CliError(EXIT.unavailable, `no answer from ${this.base} within ${Math.round((this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`);
    // fetch reports network failures as "fetch failed" with the system error as the cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    return new CliError(EXIT.unavailable, `cannot reach Marshal at ${this.base} (${detail}); is it running? Set --url or MARSHAL_URL`);
  }
}
