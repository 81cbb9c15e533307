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
  return /[\u0000-\u001f\u007f]/.test(value) ? 'holds a control character; remove it' : textProblem(value);
}

export interface TextFault {
  /** Where the bad string sits, as a dotted path (`labels.team`, `alerts.0.summary`); keys count too. */
  field: string;
  problem: string;
}

/** Deeper than this, a body is refused: no request of Marshal's needs it, and walking it costs. */
export const MAX_DEPTH = 64;

/** The first string (or object key) in a parsed JSON value that cannot be stored, or nesting past MAX_DEPTH. */
export function findTextFault(value: unknown, path = ''): TextFault | undefined {
  // Iterative, not recursive: a body nested 50,000 deep must get a 400, not overflow the stack.
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, path: at, depth } = pending.pop()!;
    const child = (key: string) => (at ? `${at}.${key}` : key);
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { field: at || 'body', problem };
    } else if (current && typeof current === 'object') {
      if (depth >= MAX_DEPTH) return { field: at || 'body', problem: `is nested more than ${MAX_DEPTH} levels deep` };
      const entries = Array.isArray(current) ? current.map((item, index) => [String(index), item] as const) : Object.entries(current);
      for (const [key] of entries) {
        const keyProblem = textProblem(key);
        if (keyProblem) return { field: child(key.toWellFormed().replace(/\u0000/g, '\\0')), problem: `has a key that ${keyProblem}` };
      }
      // Pushed in reverse so the first fault in document order is the one named.
      for (let index = entries.length - 1; index >= 0; index -= 1) pending.push({ value: entries[index][1], path: child(entries[index][0]), depth: depth + 1 });
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
