/**
 * A team's next 14 days as one inline SVG (the console's CSP allows no scripts and no style attributes;
 * SVG presentation attributes are part of the markup). One row per local day, midnight to midnight in the
 * chosen zone: the primary as solid bars coloured by the layer (hub) that put them there, the secondary
 * as outlined bars below, overrides in striped orange, and hours with no primary in red. Every bar has a
 * <title> with who, which layer and the exact times; names are written on bars wide enough to hold them.
 * The viewBox is phone-sized like the Insights charts, so text stays legible scaled to a phone.
 */
import { html, type Html } from '../html';
import { clockIn, onDay, type ScheduleDay, type TeamSchedule } from './oncall-model';
import type { Interval, Segment } from '../../../policy/schedule';
import type { Policy } from '../../../policy/types';

const WIDTH = 360;
const LEFT = 62;
const RIGHT = 6;
const SPAN = WIDTH - LEFT - RIGHT;
const FONT = 13;
const BAR = 19;
const ROW = BAR * 2 + 12;
const TOP = 82;
/** Hub colours that carry white text at 4.5:1 or better; overrides and gaps have their own. */
const LAYER_COLOURS = ['#0550ae', '#116329', '#6639ba', '#57606a', '#7d4e00', '#0a3069'];
const OVERRIDE = '#bc4c00';
const GAP_FILL = '#ffebe9';
const GAP_LINE = '#cf222e';
const GAP_TEXT = '#82071e';

const round = (value: number) => Math.round(value * 10) / 10;

/** Where an instant falls across its day's row; a 23- or 25-hour day fills the row all the same. */
const xOf = (day: ScheduleDay, at: number) => round(LEFT + (SPAN * (at - day.start)) / (day.end - day.start));

/** The name that fits: the full name, else the first name, else nothing (the <title> still tells). */
function fitting(name: string, width: number): string {
  const room = (width - 6) / (FONT * 0.6);
  if (name.length <= room) return name;
  const first = name.split(/\s+/)[0];
  return first.length <= room ? first : '';
}

export function layerColours(schedule: TeamSchedule): Map<string, string> {
  const names = [...schedule.team.rotations.primary.layers, ...(schedule.team.rotations.secondary?.layers ?? [])].map((layer) => layer.name);
  return new Map([...new Set(names)].map((name, index) => [name, LAYER_COLOURS[index % LAYER_COLOURS.length]]));
}

function legend(colours: Map<string, string>): Html {
  const entries: Html[] = [];
  let x = 0;
  let y = 14;
  const place = (width: number) => {
    if (x + width > WIDTH) {
      x = 0;
      y += 20;
    }
    const at = { x, y };
    x += width;
    return at;
  };
  for (const [name, colour] of colours) {
    const at = place(26 + name.length * FONT * 0.6 + 12);
    entries.push(html`<rect x="${at.x}" y="${at.y - 11}" width="20" height="13" fill="${colour}"/><text x="${at.x + 25}" y="${at.y}" font-size="${FONT}" fill="#1f2328">${name}</text>`);
  }
  const o = place(26 + 8 * FONT * 0.6 + 12);
  entries.push(html`<rect x="${o.x}" y="${o.y - 11}" width="20" height="13" fill="url(#override-stripes)"/><text x="${o.x + 25}" y="${o.y}" font-size="${FONT}" fill="#1f2328">override</text>`);
  const g = place(26 + 10 * FONT * 0.6 + 12);
  entries.push(
    html`<rect x="${g.x}" y="${g.y - 11}" width="20" height="13" fill="${GAP_FILL}" stroke="${GAP_LINE}" stroke-width="1.5"/><text x="${g.x + 25}" y="${g.y}" font-size="${FONT}" fill="${GAP_TEXT}" font-weight="700">no primary</text>`,
  );
  return html`<g class="legend">${entries}</g>`;
}

function hourAxis(): Html {
  const ticks = [0, 6, 12, 18, 24].map((hour) => {
    const x = round(LEFT + (SPAN * hour) / 24);
    const anchor = hour === 0 ? 'start' : hour === 24 ? 'end' : 'middle';
    return html`<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${TOP + 14 * ROW}" stroke="#d0d7de" stroke-width="1"/><text x="${x}" y="${TOP - 12}" font-size="${FONT}" text-anchor="${anchor}" fill="#57606a">${String(hour).padStart(2, '0')}:00</text>`;
  });
  return html`<g class="axis">${ticks}</g>`;
}

function bar(schedule: TeamSchedule, policy: Policy, day: ScheduleDay, segment: Segment & { whole: Interval }, y: number, colours: Map<string, string>): Html {
  const x = xOf(day, segment.start);
  const width = Math.max(round(xOf(day, segment.end) - x), 1);
  const name = policy.people[segment.personId]?.name ?? segment.personId;
  const override = segment.overrideId !== undefined;
  const colour = override ? OVERRIDE : (colours.get(segment.layer) ?? LAYER_COLOURS[0]);
  const primary = segment.rotation === 'primary';
  const where = override ? `override ${segment.overrideId}${segment.layer !== 'override' ? ` in ${segment.layer}` : ''}` : `${segment.layer} layer`;
  const label = fitting(name, width);
  // Primary solid (white text), secondary outlined (text in the bar's colour): the two differ in more than colour.
  const shape = primary
    ? html`<rect x="${x}" y="${y}" width="${width}" height="${BAR}" fill="${override ? 'url(#override-stripes)' : colour}"/>`
    : html`<rect x="${x + 0.75}" y="${y + 0.75}" width="${Math.max(width - 1.5, 0.5)}" height="${BAR - 1.5}" fill="#ffffff" stroke="${colour}" stroke-width="1.5"${override ? html` stroke-dasharray="4 2"` : ''}/>`;
  const text = label ? html`<text x="${x + 4}" y="${y + BAR - 4.5}" font-size="${FONT}" fill="${primary ? '#ffffff' : colour}" font-weight="600">${label}</text>` : '';
  return html`<g class="shift"><title>${segment.rotation}: ${name} (${where}), ${clockIn(schedule.zone, segment.whole.start)}–${clockIn(schedule.zone, segment.whole.end)}</title>${shape}${text}</g>`;
}

function gapBar(schedule: TeamSchedule, day: ScheduleDay, gap: Interval & { whole: Interval }, y: number): Html {
  const x = xOf(day, gap.start);
  const width = Math.max(round(xOf(day, gap.end) - x), 1.5);
  const label = width >= 70 ? 'no primary' : width >= 24 ? 'gap' : '';
  return html`<g class="gap"><title>No primary: ${clockIn(schedule.zone, gap.whole.start)}–${clockIn(schedule.zone, gap.whole.end)}</title><rect x="${x}" y="${y}" width="${width}" height="${BAR}" fill="${GAP_FILL}" stroke="${GAP_LINE}" stroke-width="1.5"/>${label ? html`<text x="${x + 4}" y="${y + BAR - 4.5}" font-size="${FONT}" fill="${GAP_TEXT}" font-weight="700">${label}</text>` : ''}</g>`;
}

export function schedulePicture(schedule: TeamSchedule, policy: Policy): Html {
  const colours = layerColours(schedule);
  const [primary, secondary] = schedule.rows;
  const height = TOP + schedule.days.length * ROW + 4;
  const rows = schedule.days.map((day, index) => {
    const y = TOP + index * ROW;
    const today = schedule.now >= day.start && schedule.now < day.end;
    const [weekday, ...date] = day.label.split(' ');
    const now = today
      ? html`<line x1="${xOf(day, schedule.now)}" y1="${y - 3}" x2="${xOf(day, schedule.now)}" y2="${y + 2 * BAR + 5}" stroke="#1f2328" stroke-width="2.5"><title>Now: ${clockIn(schedule.zone, schedule.now)}</title></line>`
      : '';
    return html`<g class="day"><text x="0" y="${y + 13}" font-size="${FONT}" font-weight="${today ? '700' : '600'}" fill="#1f2328">${today ? 'Today' : weekday}</text><text x="0" y="${y + BAR + 13}" font-size="${FONT}" fill="#57606a">${date.join(' ')}</text>
${onDay(schedule.gaps, day).map((gap) => gapBar(schedule, day, gap, y))}
${onDay(primary.segments, day).map((segment) => bar(schedule, policy, day, segment, y, colours))}
${secondary ? onDay(secondary.segments, day).map((segment) => bar(schedule, policy, day, segment, y + BAR + 2, colours)) : ''}${now}</g>`;
  });
  const overrides = new Set(schedule.rows.flatMap((row) => row.segments.flatMap((segment) => (segment.overrideId ? [segment.overrideId] : []))));
  const description = `${schedule.days.length} days from ${schedule.days[0].label} in ${schedule.zone}. Top bar of each day: the primary, coloured by layer; lower outlined bar: the secondary. ${
    schedule.gaps.length === 0 ? 'No hours without a primary.' : `${schedule.gaps.length} window${schedule.gaps.length === 1 ? '' : 's'} without a primary, drawn in red.`
  } ${overrides.size} override${overrides.size === 1 ? '' : 's'} in force, striped orange. The same facts are listed as text below.`;
  return html`<svg class="chart schedule" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="schedule-title schedule-desc" font-family="system-ui, sans-serif">
<title id="schedule-title">${schedule.team.name} on call, next ${schedule.days.length} days (${schedule.zone})</title><desc id="schedule-desc">${description}</desc>
<defs><pattern id="override-stripes" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="${OVERRIDE}"/><rect width="3" height="8" fill="#953800"/></pattern></defs>
${legend(colours)}
<text x="0" y="${TOP - 30}" font-size="${FONT}" fill="#57606a">Upper bar: primary · lower, outlined: secondary</text>
${hourAxis()}
${rows}
</svg>`;
}
