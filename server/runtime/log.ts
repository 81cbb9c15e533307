/** Structured JSON logs (pino), one line per event, to stdout. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level = process.env.MARSHAL_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'marshal' }, timestamp: pino.stdTimeFunctions.isoTime });
}
