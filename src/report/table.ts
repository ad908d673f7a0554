/**
 * The rows as a sortable HTML table: every column of --format json, one <tr> per record, in
 * reportOrder. A multivalue cell holds one <div> per value. A number in the records (--format json
 * makes count and risk_score numbers) carries data-n, and its column data-numeric, so the page's
 * sort script compares them as numbers.
 */
import { escapeHtml } from "./escape";
import { ReportRecord, isAllowed, valuesOf } from "./records";

function cellHtml(cell: ReportRecord[string] | undefined): string {
  const values = valuesOf(cell);
  const numeric = typeof cell === "number" ? ` data-n="${cell}"` : "";
  const content = values.length > 1 ? values.map((v) => `<div>${escapeHtml(v)}</div>`).join("") : escapeHtml(values[0] || "");
  return `<td${numeric}>${content}</td>`;
}

export function renderTable(columns: string[], records: ReportRecord[]): string {
  const numeric = (c: string) => records.some((r) => typeof r[c] === "number");
  const head = columns
    .map((c) => `<th scope="col"${numeric(c) ? " data-numeric" : ""}><button type="button">${escapeHtml(c)}</button></th>`)
    .join("");
  const body = records
    .map((record) => `<tr class="${isAllowed(record) ? "allowed" : "denied"}">${columns.map((c) => cellHtml(record[c])).join("")}</tr>`)
    .join("\n");
  return `<div class="scroll"><table id="rows"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}
