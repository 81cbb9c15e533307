/** Durations in policy files are a number and one unit ("90s", "5m", "2h", "14d"). */

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number {
  const match = /^([1-9][0-9]*)(s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration; write a number and a unit, like "90s", "5m", "2h" or "3d"`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/** The shortest faithful spelling for people: 90000 → "1m30s", 0 → "0m". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0m';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', unitMs.d],
    ['h', unitMs.h],
    ['m', unitMs.m],
    ['s', unitMs.s],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return sign + parts.join('');
}

/** A rotation's shift length in whole local days: daily, weekly or "<n>d". */
export function shiftDays(shift: string): number {
  if (shift === 'daily') return 1;
  if (shift === 'weekly') return 7;
  const match = /^([1-9][0-9]?)d$/.exec(shift);
  if (!match) throw new Error(`shift "${shift}" must be daily, weekly or a number of days like "3d"`);
  return Number(match[1]);
}
