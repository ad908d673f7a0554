/**
 * Renders result rows for people (table) and programs (json, csv). Shared by `hunt` and `search`.
 * A cell is one value or a multivalue (string[]); "" is an empty cell.
 */
export type OutputFormat = "table" | "json" | "csv";

/** A horizontal table wider than this is printed one record per block instead, so it fits a terminal. */
const TABLE_MAX_WIDTH = 120;
const COLUMN_GAP = "  ";

export function renderRows(columns: string[], rows: Array<Array<string | string[]>>, format: OutputFormat): string {
  switch (format) {
    case "json":
      return renderJson(columns, rows);
    case "csv":
      return renderCsv(columns, rows);
    case "table":
      return renderTable(columns, rows);
  }
  throw new Error(`unknown output format: ${String(format)}`);
}

function valuesOf(cell: string | string[] | undefined): string[] {
  if (cell === undefined) return [];
  return Array.isArray(cell) ? cell : cell === "" ? [] : [cell];
}

// ---- json -------------------------------------------------------------------------------------

/** Columns whose values are numbers: stats count, and enrich's risk_score (what the risk action scores). */
const NUMERIC_COLUMNS = new Set(["count", "risk_score"]);

export type JsonRecord = { [column: string]: string | string[] | number };

/** The rows as --format json writes them; the html report shows these same records. */
export function jsonRecords(columns: string[], rows: Array<Array<string | string[]>>): JsonRecord[] {
  return rows.map((row) => {
    const record: JsonRecord = {};
    columns.forEach((column, i) => {
      const cell = row[i] === undefined ? "" : row[i];
      if (NUMERIC_COLUMNS.has(column) && typeof cell === "string" && /^-?\d+(\.\d+)?$/.test(cell)) {
        record[column] = Number(cell);
      } else {
        record[column] = cell;
      }
    });
    return record;
  });
}

function renderJson(columns: string[], rows: Array<Array<string | string[]>>): string {
  return JSON.stringify(jsonRecords(columns, rows), null, 2) + "\n";
}

// ---- csv (RFC 4180: CRLF records, fields quoted when they hold , " CR or LF) ------------------

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function renderCsv(columns: string[], rows: Array<Array<string | string[]>>): string {
  // A multivalue becomes one field with its values on separate lines, as Splunk's CSV export writes it.
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) {
    lines.push(columns.map((_, i) => csvField(valuesOf(row[i]).join("\n"))).join(","));
  }
  return lines.map((line) => line + "\r\n").join("");
}

// ---- table ------------------------------------------------------------------------------------

/** Values come from the audit log (userAgent is client-controlled): never let them drive the terminal. */
function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The lines a cell takes in a table: one per value of a multivalue. */
function cellLines(cell: string | string[] | undefined): string[] {
  const lines: string[] = [];
  for (const value of valuesOf(cell)) for (const line of value.split("\n")) lines.push(printable(line));
  return lines;
}

function renderTable(columns: string[], rows: Array<Array<string | string[]>>): string {
  if (rows.length === 0) return "(no results)\n";
  const cells = rows.map((row) => columns.map((_, i) => cellLines(row[i])));
  const widths = columns.map((column, i) =>
    Math.max(printable(column).length, ...cells.map((row) => Math.max(0, ...row[i].map((l) => l.length)))),
  );
  const totalWidth = widths.reduce((sum, w) => sum + w, 0) + COLUMN_GAP.length * (columns.length - 1);
  return totalWidth <= TABLE_MAX_WIDTH ? horizontal(columns, cells, widths) : vertical(columns, cells);
}

function joinPadded(parts: string[], widths: number[]): string {
  return parts.map((part, i) => part.padEnd(widths[i])).join(COLUMN_GAP).trimEnd();
}

function horizontal(columns: string[], cells: string[][][], widths: number[]): string {
  const out = [
    joinPadded(columns.map(printable), widths),
    joinPadded(widths.map((w) => "-".repeat(w)), widths),
  ];
  for (const row of cells) {
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let line = 0; line < height; line++) {
      out.push(joinPadded(row.map((lines) => lines[line] || ""), widths));
    }
  }
  return out.join("\n") + "\n";
}

/** One block per record, "column  value" lines, multivalues stacked under their first value. */
function vertical(columns: string[], cells: string[][][]): string {
  const names = columns.map(printable);
  const nameWidth = Math.max(...names.map((n) => n.length));
  const out: string[] = [];
  cells.forEach((row, r) => {
    out.push(`-[ ${r + 1} ]`.padEnd(nameWidth + COLUMN_GAP.length + 20, "-"));
    row.forEach((lines, c) => {
      const shown = lines.length === 0 ? [""] : lines;
      shown.forEach((line, i) => {
        out.push(`${(i === 0 ? names[c] : "").padEnd(nameWidth)}${COLUMN_GAP}${line}`.trimEnd());
      });
    });
  });
  return out.join("\n") + "\n";
}
