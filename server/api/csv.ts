/**
 * Tables as CSV (RFC 4180: quoted where needed, CRLF). A cell that a spreadsheet would run as a formula
 * (=, +, -, @ first) gets a leading apostrophe: titles and names come from anyone who declares an incident.
 * Small enough that a dependency would add more than it saves.
 */
import type { Table } from '../../store/analytics';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const toCsv = (table: Table): string => [table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
