/** Structured JSON logs (pino), one line per event, to stdout. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level = process.env.MARSHAL_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'marshal' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * A request path fit for a log line: a one-time sign-in link carries its secret in the path
 * (/console/sign-in/<secret>), and whoever reads the logs must not be able to sign in with it.
 */
export const withoutPathSecrets = (path: string): string => path.replace(/^(\/console\/sign-in\/).+/is, '$1…');

/** Longest error text a log line carries: a receiver's answer can be a whole HTML page. */
const LOGGED_ERROR_CHARS = 2_000;

/**
 * The SDK hands failures over as Error objects (`{ error }` for a failed activity attempt), and JSON has no
 * place for an Error's own properties: logged as they are, they read `"error":{}`. Each becomes its type,
 * message and cause chain, so the log says which receiver refused and how.
 */
export function loggable(meta: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) out[key] = value instanceof Error ? errorFields(value, 0) : value;
  return out;
}

function errorFields(error: Error, depth: number): Record<string, unknown> {
  const { type, name, failure, ...rest } = error as Error & { type?: unknown; failure?: unknown };
  void failure; // the raw protobuf failure repeats the message and is large
  const fields: Record<string, unknown> = { type: typeof type === 'string' ? type : name, message: error.message.slice(0, LOGGED_ERROR_CHARS) };
  for (const [key, value] of Object.entries(rest)) {
    if (key !== 'cause' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) fields[key] = typeof value === 'string' ? value.slice(0, LOGGED_ERROR_CHARS) : value;
  }
  if (error.cause instanceof Error && depth < 3) fields.cause = errorFields(error.cause, depth + 1);
  return fields;
}
