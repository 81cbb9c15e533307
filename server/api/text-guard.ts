/**
 * The edge's refusal of text that cannot be stored (see common/text.ts): every parsed body and query
 * string is checked before any route sees it, so no entry point can forget. Query values (filters, ids,
 * times) also may not hold control characters: a NUL there used to cut a visibility query short.
 */
import type { NextFunction, Request, Response } from 'express';
import { controlCharacterProblem, findTextFault } from '../../common/text';
import { HttpError } from './errors';

/** The 400 for the first string in a parsed value that cannot be stored, naming where it sits. */
export function textFaultError(value: unknown, path = ''): HttpError | undefined {
  const fault = findTextFault(value, path);
  return fault && new HttpError(400, 'invalid', `"${fault.field}" ${fault.problem}`, fault.field);
}

function queryFault(query: Request['query']): HttpError | undefined {
  for (const [name, value] of Object.entries(query)) {
    for (const one of ([] as unknown[]).concat(value)) {
      const problem = typeof one === 'string' ? controlCharacterProblem(one) : undefined;
      if (problem) return new HttpError(400, 'invalid', `query parameter "${name}" ${problem}`, name);
    }
  }
  return textFaultError(query);
}

export function refuseUnstorableText(req: Request, _res: Response, next: NextFunction): void {
  next(queryFault(req.query) ?? textFaultError(req.body));
}
