/** YAML sources that remember where every value came from, so problems can name file:line:column. */
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { PolicyProblem } from './types';

/** A YAML file parsed with enough bookkeeping to point at the line of any value in it. */
export interface SourceFile {
  path: string;
  /** The path as people see it in the repository, e.g. config/severities.yaml. */
  display: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export function parseSourceFile(path: string, display: string, text: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return { path, display, text, doc, lines };
}

/** Line and column of the value at a JSON pointer such as /severities/2/acknowledgementTimeout. */
export function locate(file: SourceFile, pointer: string): { line: number; column: number } {
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  // Walk down as far as the document goes; a missing key is reported at its parent.
  let node: unknown = file.doc.contents;
  for (const key of path) {
    const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
    if (next === undefined) break;
    node = next;
  }
  const offset = (node as { range?: [number, number] } | null)?.range?.[0] ?? 0;
  const { line, col } = file.lines.linePos(offset);
  return { line, column: col };
}

export function problem(file: SourceFile, pointer: string, message: string, hint?: string, level: PolicyProblem['level'] = 'error'): PolicyProblem {
  return { level, file: file.display, ...locate(file, pointer), message, hint };
}
