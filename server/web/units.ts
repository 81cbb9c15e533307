/** Figures as an on-call engineer reads them: durations in words ("4m 10s"), counts as plain numbers. */

/** Seconds as the two largest units: "45s", "4m 10s", "2h 5m", "3d 4h". Rounded to whole seconds. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.round(Math.abs(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (unit === 's' && parts.length === 0)) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  // "2h" rather than "2h 0m": a zero second part says nothing.
  return sign + parts.filter((part, index) => index === 0 || !/^0/.test(part)).join(' ');
}

/** Days (a decimal figure) as a duration. */
export const humanDays = (days: number): string => humanDuration(days * 86400);

/** A count or ratio without float noise: 3, 2.5, 0.33. */
export const plainNumber = (value: number): string => (Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100));

/** Axis tops for durations that read as round figures: 30s, 1m, 5m, 15m, 1h, 4h, 1d… */
export const DURATION_STEPS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 4 * 3600, 8 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400];

/** Axis tops for counts whose halves are whole numbers too (no "2.5 pages"). */
export const COUNT_STEPS = [2, 4, 6, 8, 10, 20, 30, 40, 50, 60, 80, 100, 200, 300, 400, 500, 600, 800, 1000, 2000, 4000, 6000, 8000, 10000];
