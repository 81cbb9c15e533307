/**
 * Text that can be stored. JavaScript strings may hold lone UTF-16 surrogates (an emoji cut in half by a
 * client truncating text) and NUL; neither survives the way to Temporal (protobuf strings must be UTF-8)
 * or PostgreSQL (no NUL in text). Every entry point refuses them with the field named; code that builds
 * messages from stored text repairs it with `wellFormed` as a second wall. Pure: used by workflows too.
 */

/** What is wrong with a string, in words for an error message; undefined when it can be stored. */
export function textProblem(value: string): string | undefined {
  if (!value.isWellFormed()) return 'holds a lone UTF-16 surrogate (a character cut in half); send valid Unicode';
  if (value.includes('\u0000')) return 'holds a NUL character; remove it';
  return undefined;
}

/** Control characters have no place in a filter or a name: they only hide what a value really says. */
export function controlCharacterProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value) ? 'holds a control character; remove it' : textProblem(value);
}

export interface TextFault {
  /** Where the bad string sits, as a dotted path (`labels.team`, `alerts.0.summary`); keys count too. */
  field: string;
  problem: string;
}

/** The first string (or object key) in a parsed JSON value that cannot be stored. */
export function findTextFault(value: unknown, path = ''): TextFault | undefined {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: path || 'body', problem } : undefined;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const fault = findTextFault(value[index], at(String(index)));
      if (fault) return fault;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { field: at(key.toWellFormed().replace(/\u0000/g, '\\0')), problem: `has a key that ${keyProblem}` };
      const fault = findTextFault(child, at(key));
      if (fault) return fault;
    }
  }
  return undefined;
}

/** Repair text for places that must never fail on it (failure messages, logs): lone surrogates become U+FFFD. */
export const wellFormed = (value: string): string => value.toWellFormed();

/**
 * Every string in a value made storable (lone surrogates and NUL become U+FFFD); Uint8Arrays pass as
 * they are. For places that must keep what they are given rather than refuse it: failures, the archive.
 */
export function repairText<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value).replace(/\u0000/g, '\ufffd') as T;
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(repairText) as T;
  const repaired: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) repaired[repairText(key)] = repairText(child);
  return repaired as T;
}
