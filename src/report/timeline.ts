/**
 * One inline SVG timeline per cluster: a lane per client address, a bar from each row's firstTime to
 * its lastTime, coloured by outcome. Drawn here, not by a chart library: see docs/report.md.
 * Times are the rows' wall-clock text (security_content_ctime's, in the hunt's --tz), placed as if UTC,
 * so the axis reads in the same zone as the table.
 */
import { escapeHtml } from "./escape";
import { ReportRecord, clusterOf, isAllowed, valuesOf } from "./records";

const WIDTH = 960;
const LABEL_WIDTH = 150;
const LANE_HEIGHT = 22;
const AXIS_HEIGHT = 24;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 16;
const MIN_SPAN_MS = 60_000; // a single instant still gets a readable axis
const MAX_TICKS = 7;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [1, 5, 10, 30].map((n) => n * SECOND)
  .concat([1, 5, 10, 30].map((n) => n * MINUTE), [1, 3, 6, 12].map((n) => n * HOUR), [1, 2, 7, 14, 30].map((n) => n * DAY));

const WALL_CLOCK = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/;

/** ms of "YYYY-MM-DDTHH:MM:SS" read as UTC; undefined for anything else (a time ctime left as it was). */
export function wallClockMs(cell: ReportRecord[string] | undefined): number | undefined {
  const text = valuesOf(cell)[0];
  const m = text === undefined ? null : WALL_CLOCK.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(ms) ? undefined : ms;
}

interface Bar {
  first: number;
  last: number;
  record: ReportRecord;
}

const two = (n: number) => String(n).padStart(2, "0");

function tickLabel(ms: number, step: number, spansDays: boolean): string {
  const d = new Date(ms);
  const time = step < MINUTE ? `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}` : `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return spansDays ? `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${time}` : time;
}

function axis(start: number, end: number, x: (ms: number) => number, height: number): string {
  const step = TICK_STEPS.find((s) => (end - start) / s <= MAX_TICKS) || TICK_STEPS[TICK_STEPS.length - 1];
  const spansDays = new Date(start).toISOString().slice(0, 10) !== new Date(end).toISOString().slice(0, 10);
  const parts: string[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    const px = x(t).toFixed(1);
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="0" y2="${height}"/>`);
    parts.push(`<text class="tick" x="${px}" y="${height + 16}" text-anchor="middle">${tickLabel(t, step, spansDays)}</text>`);
  }
  return parts.join("");
}

function barTitle(record: ReportRecord): string {
  const count = String(record.count);
  return `${valuesOf(record.src_ip).join(", ")}: ${count} ${count === "1" ? "request" : "requests"}, ` +
    `${valuesOf(record.firstTime)[0]} to ${valuesOf(record.lastTime)[0]}, ${valuesOf(record.outcome).join("/")}, ` +
    `${valuesOf(record.scanner).join(", ")} (${valuesOf(record["values(userAgent)"]).join(", ")})`;
}

function clusterSvg(cluster: string, bars: Bar[]): string {
  const lanes = Array.from(new Set(bars.map((bar) => valuesOf(bar.record.src_ip).join(", ")))).sort();
  let start = Math.min(...bars.map((b) => b.first));
  let end = Math.max(...bars.map((b) => b.last));
  if (end - start < MIN_SPAN_MS) {
    const pad = (MIN_SPAN_MS - (end - start)) / 2;
    start -= pad;
    end += pad;
  }
  const x = (ms: number) => LABEL_WIDTH + ((ms - start) / (end - start)) * PLOT_WIDTH;
  const plotHeight = lanes.length * LANE_HEIGHT;
  const height = plotHeight + AXIS_HEIGHT;
  const parts = [axis(start, end, x, plotHeight)];
  lanes.forEach((lane, i) => {
    parts.push(`<text class="lane" x="${LABEL_WIDTH - 8}" y="${i * LANE_HEIGHT + 15}" text-anchor="end">${escapeHtml(lane)}</text>`);
  });
  for (const bar of bars) {
    const lane = lanes.indexOf(valuesOf(bar.record.src_ip).join(", "));
    const x1 = x(bar.first);
    const width = Math.max(4, x(bar.last) - x1); // one request is a dot, not nothing
    const outcome = isAllowed(bar.record) ? "allowed" : "denied";
    parts.push(
      `<rect class="bar ${outcome}" x="${(x1 - 2).toFixed(1)}" y="${lane * LANE_HEIGHT + 5}" width="${width.toFixed(1)}" height="12" rx="3">` +
        `<title>${escapeHtml(barTitle(bar.record))}</title></rect>`,
    );
  }
  return `<figure class="timeline"><figcaption>${escapeHtml(cluster)}</figcaption>` +
    `<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" ` +
    `aria-label="${escapeHtml(`scan requests on ${cluster} over time`)}">${parts.join("")}</svg></figure>`;
}

/** The timelines, one per cluster in name order, and how many rows had no time to place. */
export function renderTimelines(records: ReportRecord[]): { html: string; untimed: number } {
  const byCluster = new Map<string, Bar[]>();
  let untimed = 0;
  for (const record of records) {
    const first = wallClockMs(record.firstTime);
    const last = wallClockMs(record.lastTime);
    if (first === undefined || last === undefined) {
      untimed++;
      continue;
    }
    const cluster = clusterOf(record);
    const bars = byCluster.get(cluster) || [];
    bars.push({ first, last: Math.max(first, last), record });
    byCluster.set(cluster, bars);
  }
  const clusters = Array.from(byCluster.keys()).sort();
  return { html: clusters.map((c) => clusterSvg(c, byCluster.get(c) as Bar[])).join("\n"), untimed };
}
