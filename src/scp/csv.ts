/**
 * splunkd's CSV dialect: RFC 4180 quoting ("" inside quotes), "\n" or "\r\n" line ends, values
 * with embedded newlines, and a twin column `__mv_<field>` per field whose non-empty value carries
 * the field's multivalue (see multivalue.ts).
 *
 * Hand-written rather than csv-parse: this is the per-record hot path (measured in `npm run bench`,
 * where csv-parse is the library baseline), and the tests hold it to csv-parse/csv-stringify as oracles.
 */
import { CsvCursor, readHeader } from "./csv-cursor";
import { ProtocolError } from "./framing";
import { decodeMultivalue, encodeMultivalue } from "./multivalue";
import { Cell, Table } from "./types";

export { decodeMultivalue, encodeMultivalue };

const MV_PREFIX = "__mv_";

/** Splits CSV text into rows of raw strings (header included, no multivalue handling). */
export function parseCsvRows(text: string): string[][] {
  const cursor = new CsvCursor(text);
  const header = readHeader(cursor);
  const rows: string[][] = header.length > 0 ? [header] : [];
  while (cursor.next()) rows.push(cursor.allFields());
  return rows;
}

/** Decodes an execute body into a Table, merging `__mv_` twins into multivalue cells. */
export function decodeCsv(text: string): Table {
  const cursor = new CsvCursor(text);
  const header = readHeader(cursor);
  const fields: string[] = [];
  const slotByName: { [name: string]: number } = Object.create(null);
  const isTwin = (name: string) =>
    name.lastIndexOf(MV_PREFIX, 0) === 0 && header.indexOf(name.slice(MV_PREFIX.length)) >= 0;
  for (const name of header) if (!isTwin(name)) slotByName[name] = fields.push(name) - 1;
  const plainSlot = header.map((name) => (isTwin(name) ? -1 : slotByName[name]));
  const twinSlot = header.map((name) => (isTwin(name) ? slotByName[name.slice(MV_PREFIX.length)] : -1));

  const rows: Cell[][] = [];
  while (cursor.next()) {
    const width = cursor.fieldCount;
    if (width > header.length) {
      throw new ProtocolError(`CSV row ${cursor.rowNumber} has ${width} fields but the header has ${header.length}`);
    }
    const row: Cell[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) row[i] = "";
    for (let col = 0; col < width; col++) {
      if (cursor.isEmpty(col)) continue;
      if (plainSlot[col] >= 0) {
        const slot = plainSlot[col];
        if (row[slot] === "") row[slot] = cursor.field(col);
        continue;
      }
      const values = decodeMultivalue(cursor.field(col));
      if (values !== null) row[twinSlot[col]] = values.length === 1 ? values[0] : values;
    }
    rows.push(row);
  }
  return { fields, rows };
}

/**
 * Encodes a Table; a field gets its `__mv_` twin only when some row holds a multivalue in it.
 * The pieces are gathered in one array and joined once: appending to a growing string made V8
 * build and then flatten a tree of pieces per row (timed by hand on a 6,000-row, 5 MB reply:
 * 45-55 ms that way, 30-40 ms this way).
 */
export function encodeCsv(table: Table): string {
  const { fields, rows } = table;
  if (fields.length === 0) return "";
  const twins: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    if (rows.some((row) => isMultivalue(row[i]))) twins.push(i);
  }
  const header = fields.map(quote);
  for (const i of twins) header.push(quote(MV_PREFIX + fields[i]));
  // A lone empty value would make a blank line, which readers skip: write it quoted.
  const loneColumn = header.length === 1;
  const parts: string[] = [header.join(","), "\n"];
  for (const row of rows) {
    for (let i = 0; i < fields.length; i++) {
      const cell = row[i];
      const text = cell === undefined ? "" : quote(typeof cell === "string" ? cell : cell.join("\n"));
      if (i > 0) parts.push(",");
      parts.push(loneColumn && text === "" ? '""' : text);
    }
    for (const i of twins) {
      const cell = row[i];
      parts.push(isMultivalue(cell) ? "," + quote(encodeMultivalue(cell as string[])) : ",");
    }
    parts.push("\n");
  }
  return parts.join("");
}

function isMultivalue(cell: Cell | undefined): boolean {
  return typeof cell !== "string" && cell !== undefined && cell.length > 1;
}

const NEEDS_QUOTES = /[",\r\n]/;

function quote(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return '"' + (value.indexOf('"') < 0 ? value : value.replace(/"/g, '""')) + '"';
}
