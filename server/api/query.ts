/** Query-string parameters, read one way everywhere: a single non-empty value, or 400 naming the parameter. */
import type { Request } from 'express';
import { HttpError } from './errors';

export function queryValue(query: Request['query'], name: string, maxLength = 100): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength)
    throw new HttpError(400, 'invalid', `query parameter "${name}" must be a single non-empty value of at most ${maxLength} characters`, name);
  return value;
}

export function queryChoice<T extends string>(query: Request['query'], name: string, choices: readonly T[]): T | undefined {
  const value = queryValue(query, name);
  if (value !== undefined && !(choices as readonly string[]).includes(value)) throw new HttpError(400, 'invalid', `"${name}" must be one of ${choices.join(', ')}`, name);
  return value as T | undefined;
}

export function queryWholeNumber(query: Request['query'], name: string, fallback: number, min: number, max: number): number {
  const value = queryValue(query, name);
  if (value === undefined) return fallback;
  const number = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) throw new HttpError(400, 'invalid', `"${name}" must be a whole number from ${min} to ${max}`, name);
  return number;
}

/** A date or date-time (ISO 8601), as an ISO instant. */
export function queryInstant(query: Request['query'], name: string): string | undefined {
  const value = queryValue(query, name, 40);
  if (value === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new HttpError(400, 'invalid', `"${name}" must be a date such as 2026-11-01 or an ISO 8601 time`, name);
  return new Date(time).toISOString();
}
