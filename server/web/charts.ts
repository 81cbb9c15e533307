/**
 * Charts as server-rendered SVG: the console sends no scripts (its CSP allows none), and inline SVG is part
 * of the page, not a fetched resource, so it needs nothing from the policy. Colours are presentation
 * attributes, not `style` attributes, which the CSP's style-src would block. Each chart is one <svg> with a
 * <title> and a <desc> (read by screen readers as an image with a name), a legend inside, and a <title> on
 * every point and bar so a pointer shows the exact figure. The viewBox is phone-sized (340 wide), so text
 * stays readable when the SVG is scaled to the width of a phone; a laptop shows it somewhat larger.
 */
import { html, type Html } from './html';

export interface Series {
  name: string;
  /** One value per label (line chart) or category (bar chart); null where there is no figure. */
  values: (number | null)[];
}

export interface ChartInput {
  /** Unique on the page: names the SVG's <title> and <desc>. */
  id: string;
  title: string;
  series: Series[];
  /** How a value reads: "4m 10s", "3". */
  format: (value: number) => string;
  /** Candidate axis maxima in ascending order (e.g. whole minutes for durations); 1-2-5 steps otherwise. */
  steps?: number[];
}

const WIDTH = 340;
const FONT = 13;
/** Two series that differ in more than colour: solid blue and dashed orange (both 4.5:1 on white). */
const COLOURS = ['#0969da', '#bc4c00', '#1a7f37', '#8250df'];
const DASHES = ['', '6 3', '2 2', '8 2 2 2'];

const round = (value: number) => Math.round(value * 10) / 10;
const colour = (index: number) => COLOURS[index % COLOURS.length];
const dash = (index: number) => DASHES[index % DASHES.length];

/** The smallest candidate at or above `max`; 1, 2, 5, 10, 20, 50… when none are given. */
export function niceCeiling(max: number, steps?: number[]): number {
  if (!(max > 0)) return 1;
  const fit = steps?.find((step) => step >= max);
  if (fit !== undefined) return fit;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= max - 1e-9)!;
}

function highest(series: Series[]): number {
  return Math.max(0, ...series.flatMap((one) => one.values.filter((value): value is number => value !== null && Number.isFinite(value))));
}

/** Swatches and names in a row along the top; each series keeps its line style in the swatch. */
function legend(series: Series[], y: number): Html {
  let x = 0;
  return html`${series.map((one, index) => {
    const at = x;
    x += 28 + one.name.length * FONT * 0.55 + 14;
    return html`<g class="legend"><line x1="${at}" y1="${y - 4}" x2="${at + 22}" y2="${y - 4}" stroke="${colour(index)}" stroke-width="3"${dash(index) ? html` stroke-dasharray="${dash(index)}"` : ''}/><text x="${at + 28}" y="${y}" font-size="${FONT}" fill="#1f2328">${one.name}</text></g>`;
  })}`;
}

function frame(input: ChartInput, height: number, description: string, body: Html): Html {
  return html`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${input.id}-title ${input.id}-desc" font-family="system-ui, sans-serif"><title id="${input.id}-title">${input.title}</title><desc id="${input.id}-desc">${description}</desc>${body}</svg>`;
}

/**
 * A trend: one line per series across `labels` (weeks), the y axis from zero with its top labelled in the
 * series' unit. A gap (null) breaks the line rather than pretending the figure was zero.
 */
export function lineChart(input: ChartInput & { labels: string[] }): Html {
  const height = 210;
  const left = 64;
  const right = 14;
  const top = 30;
  const bottom = height - 26;
  const max = niceCeiling(highest(input.series), input.steps);
  const count = input.labels.length;
  const x = (index: number) => round(count <= 1 ? (left + WIDTH - right) / 2 : left + ((WIDTH - right - left) * index) / (count - 1));
  const y = (value: number) => round(bottom - ((bottom - top) * value) / max);
  const grid = [0, max / 2, max].map(
    (value) =>
      html`<line x1="${left}" y1="${y(value)}" x2="${WIDTH - right}" y2="${y(value)}" stroke="#d0d7de" stroke-width="1"/><text x="${left - 6}" y="${y(value) + 4}" font-size="${FONT}" text-anchor="end" fill="#57606a">${input.format(value)}</text>`,
  );
  // First and last week always; the middle one too when there is room for three labels.
  const shown = [...new Set(count > 2 ? [0, Math.floor((count - 1) / 2), count - 1] : [0, count - 1])].filter((index) => index >= 0);
  const xLabels = shown.map(
    (index) =>
      html`<text x="${x(index)}" y="${height - 8}" font-size="${FONT}" text-anchor="${count > 1 && index === 0 ? 'start' : count > 1 && index === count - 1 ? 'end' : 'middle'}" fill="#57606a">${input.labels[index]}</text>`,
  );
  const lines = input.series.map((one, seriesIndex) => {
    let path = '';
    let drawing = false;
    one.values.forEach((value, index) => {
      if (value === null || !Number.isFinite(value)) return void (drawing = false);
      path += `${drawing ? 'L' : 'M'}${x(index)} ${y(value)} `;
      drawing = true;
    });
    const points = one.values.map((value, index) =>
      value === null || !Number.isFinite(value)
        ? ''
        : // Later series get rings around the point, so equal figures (a median equal to its 90th percentile) both show.
          html`<circle cx="${x(index)}" cy="${y(value)}" r="${seriesIndex === 0 ? 3.5 : 5.5}" ${seriesIndex === 0 ? html`fill="${colour(seriesIndex)}"` : html`fill="none" stroke="${colour(seriesIndex)}" stroke-width="2"`}><title>${one.name}, ${input.labels[index]}: ${input.format(value)}</title></circle>`,
    );
    return html`<g class="series">${path ? html`<path d="${path.trim()}" fill="none" stroke="${colour(seriesIndex)}" stroke-width="2.5" stroke-linejoin="round"${dash(seriesIndex) ? html` stroke-dasharray="${dash(seriesIndex)}"` : ''}/>` : ''}${points}</g>`;
  });
  const description = `${count} week${count === 1 ? '' : 's'}${count ? ` from ${input.labels[0]} to ${input.labels[count - 1]}` : ''}. ${input.series.map((one) => summary(one, input.format)).join(' ')}`;
  return frame(input, height, description, html`${legend(input.series, 14)}${grid}${xLabels}${lines}`);
}

/** "Pages: highest 7, latest 2." — what the shape says, for those who cannot see it. */
function summary(series: Series, format: (value: number) => string): string {
  const values = series.values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (values.length === 0) return `${series.name}: no figures.`;
  return `${series.name}: highest ${format(Math.max(...values))}, latest ${format(values[values.length - 1])}.`;
}

/**
 * Comparison: one row per category (person, team), one horizontal bar per series, the figure written at
 * the bar's end. Horizontal, so long names fit and the chart only grows downwards on a phone.
 */
export function barChart(input: ChartInput & { categories: string[] }): Html {
  const labelWidth = 110;
  const valueWidth = 44;
  const barHeight = 12;
  const gap = 3;
  const top = 28;
  const rowHeight = input.series.length * (barHeight + gap) + 10;
  const height = top + input.categories.length * rowHeight + 4;
  const max = niceCeiling(highest(input.series), input.steps);
  const span = WIDTH - labelWidth - valueWidth;
  const rows = input.categories.map((category, row) => {
    const rowTop = top + row * rowHeight;
    // Long names are cut to fit the label column; the full name stays in the row's <title>.
    const name = category.length > 14 ? `${category.slice(0, 13)}…` : category;
    const bars = input.series.map((one, index) => {
      const value = one.values[row];
      const barTop = rowTop + index * (barHeight + gap);
      const width = value === null || !Number.isFinite(value) ? 0 : round((span * value) / max);
      const figure = value === null || !Number.isFinite(value) ? '—' : input.format(value);
      return html`<rect x="${labelWidth}" y="${barTop}" width="${Math.max(width, value ? 1.5 : 0)}" height="${barHeight}" fill="${colour(index)}"${index > 0 ? html` fill-opacity="0.85"` : ''}><title>${category}, ${one.name}: ${figure}</title></rect><text x="${labelWidth + width + 4}" y="${barTop + barHeight - 2}" font-size="${FONT}" fill="#1f2328">${figure}</text>`;
    });
    return html`<g class="bar-row"><title>${category}</title><text x="${labelWidth - 6}" y="${rowTop + (rowHeight - 10) / 2 + 4}" font-size="${FONT}" text-anchor="end" fill="#1f2328">${name}</text>${bars}</g>`;
  });
  const baseline = html`<line x1="${labelWidth}" y1="${top - 4}" x2="${labelWidth}" y2="${height - 4}" stroke="#57606a" stroke-width="1"/>`;
  const description = `${input.categories.length} ${input.categories.length === 1 ? 'row' : 'rows'}. ${input.categories
    .map((category, row) => `${category}: ${input.series.map((one) => `${one.name} ${one.values[row] === null ? '—' : input.format(one.values[row]!)}`).join(', ')}`)
    .join('; ')}.`;
  return frame(input, height, description, html`${legend(input.series, 14)}${baseline}${rows}`);
}
