/** The console's SVG charts and unit wording: pure functions, checked on their markup. */
import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceCeiling } from '../../server/web/charts';
import { DURATION_STEPS, humanDays, humanDuration, plainNumber } from '../../server/web/units';

const count = (value: number) => String(value);

describe('durations and numbers in words', () => {
  it('keeps the two largest units and drops empty ones', () => {
    expect(humanDuration(0)).toBe('0s');
    expect(humanDuration(45.4)).toBe('45s');
    expect(humanDuration(250)).toBe('4m 10s');
    expect(humanDuration(7200)).toBe('2h');
    expect(humanDuration(7500)).toBe('2h 5m');
    expect(humanDuration(3 * 86400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(humanDuration(Number.NaN)).toBe('—');
    expect(humanDays(1.5)).toBe('1d 12h');
    expect(plainNumber(2)).toBe('2');
    expect(plainNumber(1 / 3)).toBe('0.33');
  });

  it('rounds axis tops to 1-2-5 steps or to the given candidates', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(13)).toBe(20);
    expect(niceCeiling(0.3)).toBe(0.5);
    expect(niceCeiling(250, [60, 300, 600])).toBe(300);
    expect(niceCeiling(5000, [60, 300, 600])).toBe(5000);
  });
});

describe('line chart', () => {
  const chart = lineChart({
    id: 'ack',
    title: 'Time to acknowledge per week',
    labels: ['Nov 2', 'Nov 9', 'Nov 16'],
    series: [
      { name: 'Median', values: [60, null, 250] },
      { name: '90th <percentile>', values: [120, 30, 300] },
    ],
    format: humanDuration,
    steps: DURATION_STEPS,
  }).text;

  it('is an accessible image with a title, a description and a point per figure', () => {
    expect(chart).toMatch(/^<svg class="chart"[^>]* role="img" aria-labelledby="ack-title ack-desc"/);
    expect(chart).toContain('<title id="ack-title">Time to acknowledge per week</title>');
    expect(chart).toMatch(/<desc id="ack-desc">3 weeks from Nov 2 to Nov 16\. Median: highest 4m 10s, latest 4m 10s\./);
    expect(chart.match(/<circle /g)).toHaveLength(5);
    expect(chart).toContain('<title>Median, Nov 16: 4m 10s</title>');
  });

  it('breaks the line at a missing week, labels the axis in the unit and escapes names', () => {
    const median = /<path d="([^"]+)"/.exec(chart)![1];
    expect(median.match(/M/g)).toHaveLength(2);
    expect(chart).toContain('>5m</text>');
    expect(chart).toContain('90th &#60;percentile&#62;');
    expect(chart).not.toContain('<percentile>');
    expect(chart).not.toContain('style=');
  });

  it('draws a single week as a point and no week as empty axes', () => {
    const one = lineChart({ id: 'one', title: 'Pages', labels: ['Nov 2'], series: [{ name: 'Pages', values: [3] }], format: count }).text;
    expect(one.match(/<circle /g)).toHaveLength(1);
    const none = lineChart({ id: 'none', title: 'Pages', labels: [], series: [{ name: 'Pages', values: [] }], format: count }).text;
    expect(none).toContain('Pages: no figures.');
    expect(none).not.toContain('NaN');
  });
});

describe('bar chart', () => {
  it('draws one bar per series and category, sized to the largest figure, with the figure written beside it', () => {
    const chart = barChart({
      id: 'people',
      title: 'Pages per person',
      categories: ['alice', 'a-very-long-person-name'],
      series: [
        { name: 'Pages', values: [10, 4] },
        { name: 'Night pages', values: [2, 0] },
      ],
      format: count,
    }).text;
    const widths = [...chart.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(4);
    expect(widths[0]).toBeGreaterThan(widths[2]);
    expect(widths[0] / widths[2]).toBeCloseTo(10 / 4, 1);
    expect(widths[3]).toBe(0);
    expect(chart).toContain('<title>alice, Night pages: 2</title>');
    expect(chart).toContain('a-very-long-p…');
    expect(chart).toContain('<title>a-very-long-person-name</title>');
    expect(chart).toMatch(/<desc id="people-desc">2 rows\. alice: Pages 10, Night pages 2; a-very-long-person-name: Pages 4, Night pages 0\.<\/desc>/);
    expect(chart).not.toContain('NaN');
  });
});
