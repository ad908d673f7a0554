/**
 * hunt --format html: one self-contained page (CSS, script and SVG inline; no URL anywhere) that shows
 * the hunt's rows: a summary with allowed scans first, a timeline per cluster, and the sortable table.
 * Its numbers are the --format json records it is given, and nothing else.
 */
import { createHash } from "node:crypto";
import { REPORT_CSS, REPORT_SCRIPT } from "./assets";
import { escapeHtml } from "./escape";
import { ReportRecord, reportOrder, summarize } from "./records";
import { renderTable } from "./table";
import { renderTimelines } from "./timeline";

export interface ReportInput {
  columns: string[];
  records: ReportRecord[];
  eventsRead: number;
  rejected: number;
  inputs: string[]; // as named on the command line
  search: string; // the command line the rows came from, e.g. "ekspodscan match=broad enrich=true"
  timeZone: string; // the zone of firstTime and lastTime
  generated: Date;
}

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** The CSP source that allows exactly this inline text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

export const REPORT_CSP =
  `default-src 'none'; style-src ${cspHash(REPORT_CSS)}; script-src ${cspHash(REPORT_SCRIPT)}; ` +
  "base-uri 'none'; form-action 'none'";

function card(label: string, value: number): string {
  return `<div><dt>${escapeHtml(label)}</dt><dd>${count(value)}</dd></div>`;
}

function callout(exposed: string[], allowedRows: number, rows: number): string {
  if (rows === 0) return `<p class="callout">No anonymous pod list was found in these events.</p>`;
  if (exposed.length === 0) return `<p class="callout">Every scan was denied: no cluster handed its pods to an anonymous client.</p>`;
  return `<p class="callout exposed"><strong>${plural(exposed.length, "cluster", "clusters")} answered an anonymous pod list</strong> ` +
    `(${plural(allowedRows, "row", "rows")}, shown first below): ${exposed.map(escapeHtml).join(", ")}.</p>`;
}

export function renderReport(input: ReportInput): string {
  const records = reportOrder(input.records);
  const summary = summarize(records);
  const timelines = renderTimelines(records);
  const untimed = timelines.untimed === 0 ? "" : `<p class="meta">${plural(timelines.untimed, "row has", "rows have")} no time to place.</p>`;
  const inputs = input.inputs.map(escapeHtml).join(", ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>EKS pod scan report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>Anonymous scans of the Kubernetes Pods API</h1>
<p class="meta">${escapeHtml(input.search)} over ${inputs}; generated ${escapeHtml(input.generated.toISOString())}; times in ${escapeHtml(input.timeZone)}.</p>
<dl class="cards">${card("events read", input.eventsRead)}${card("events rejected", input.rejected)}${card("scan requests", summary.requests)}` +
    `${card("clusters hit", summary.clusters.length)}${card("client addresses", summary.clients.length)}${card("scanner families", summary.scannerFamilies.length)}</dl>
${callout(summary.exposedClusters, summary.allowedRows, summary.rows)}
<h2>Timeline per cluster</h2>
<p class="legend">One lane per client address, a bar from first to last request:<span class="allowed">allowed</span><span class="denied">denied</span></p>
${timelines.html}
${untimed}
<h2>Rows (${count(summary.rows)})</h2>
<p class="meta">Click a column to sort. Scanner families: ${summary.scannerFamilies.map(escapeHtml).join(", ") || "none"}.</p>
${renderTable(input.columns, records)}
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
