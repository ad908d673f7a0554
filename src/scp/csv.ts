/**
 * splunkd's CSV dialect: RFC 4180 quoting ("" inside quotes), "\n" or "\r\n" line ends, values
 * with embedded newlines, and a twin column `__mv_<field>` per field whose non-empty value carries
 * the field's multivalue (see multivalue.ts).
 *
 * Hand-written rather than csv-parse: this is the per-record hot path (measured in `npm run bench`,
 * where csv-parse is the library baseline), and the tests hold it to csv-parse/csv-stringify as oracles.
 */
import { CsvCursor, readHeader } from "./csv-cursor";
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
  const reader = new TableRowReader(readHeader(cursor));
  const rows: Cell[][] = [];
  while (cursor.next()) rows.push(reader.read(cursor));
  return { fields: reader.fields, rows };
}

/**
 * Turns the rows of one body into Table rows, one at a time (decodeCsv, and mode=annotate|filter
 * as the rows arrive): the header's fields without their `__mv_` twins, each twin's multivalue in
 * its field's cell.
 */
export class TableRowReader {
  readonly fields: string[] = [];
  /** Per field: whether the header has its twin, so that it may hold a multivalue. */
  readonly hasTwin: boolean[];
  private readonly plainSlot: number[];
  private readonly twinSlot: number[];

  constructor(private readonly header: string[]) {
    const slotByName: { [name: string]: number } = Object.create(null);
    const isTwin = (name: string) =>
      name.lastIndexOf(MV_PREFIX, 0) === 0 && header.indexOf(name.slice(MV_PREFIX.length)) >= 0;
    for (const name of header) if (!isTwin(name)) slotByName[name] = this.fields.push(name) - 1;
    this.plainSlot = header.map((name) => (isTwin(name) ? -1 : slotByName[name]));
    this.twinSlot = header.map((name) => (isTwin(name) ? slotByName[name.slice(MV_PREFIX.length)] : -1));
    this.hasTwin = this.fields.map(() => false);
    for (const slot of this.twinSlot) if (slot >= 0) this.hasTwin[slot] = true;
  }

  /** The cursor's current row as cells, one per field. */
  read(cursor: CsvCursor): Cell[] {
    const { fields, plainSlot, twinSlot } = this;
    // Cells past the header name no field: ignored, as in mode=stats's row reader and as splunklib
    // reads a body (zip of header and row: splunklib/searchcommands/search_command.py,
    // _records_protocol_v2, https://github.com/splunk/splunk-sdk-python). A short row is padded.
    const width = Math.min(cursor.fieldCount, this.header.length);
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
    return row;
  }
}

/** encodeCsvBytes as a string. */
export function encodeCsv(table: Table): string {
  return encodeCsvBytes(table).toString("utf8");
}

/**
 * Encodes a Table into UTF-8 bytes; a field gets its `__mv_` twin only when some row holds a
 * multivalue in it. Cells are written piece by piece as they are encoded, so a large reply (the
 * map phase's ~5 MB) never also exists as one string, nor as strings per cell.
 */
export function encodeCsvBytes(table: Table): Buffer {
  const { fields, rows } = table;
  if (fields.length === 0) return Buffer.alloc(0);
  const twins: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    if (rows.some((row) => isMultivalue(row[i]))) twins.push(i);
  }
  const header = headerCells(fields, twins);
  // A lone empty value would make a blank line, which readers skip: write it quoted.
  const loneColumn = header.length === 1;
  const out = new CsvWriter();
  out.text(header.join(","));
  out.byte(LF);
  for (const row of rows) {
    writePlainCells(out, row, fields.length, loneColumn);
    for (const i of twins) {
      out.byte(COMMA);
      if (isMultivalue(row[i])) out.multivalue(row[i] as string[]);
    }
    out.byte(LF);
  }
  return out.bytes();
}

/** A header's cells: the fields, then the twins of those at `twins`, quoted where needed. */
export function headerCells(fields: string[], twins: number[]): string[] {
  const header = fields.map(quote);
  for (const i of twins) header.push(quote(MV_PREFIX + fields[i]));
  return header;
}

/** A row's plain cells, comma-separated (a multivalue as its values on lines), no line end. */
export function writePlainCells(out: CsvWriter, row: Cell[], width: number, loneColumn: boolean): void {
  for (let i = 0; i < width; i++) {
    const cell = row[i];
    if (i > 0) out.byte(COMMA);
    if (cell === undefined || typeof cell === "string" || cell.length < 2) {
      const value = cell === undefined ? "" : typeof cell === "string" ? cell : cell.length === 1 ? cell[0] : "";
      if (value === "" && loneColumn) out.text('""');
      else out.value(value);
    } else out.lines(cell);
  }
}

const LF = 10;
const COMMA = 44;
const QUOTE = 34;
const DOLLAR = 36;
const SEMICOLON = 59;

/** Appends CSV pieces as UTF-8 to a buffer that doubles as it fills. */
export class CsvWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /** Starts over, keeping the buffer (its room follows the longest content written). */
  clear(): void {
    this.length = 0;
  }

  /** One value, quoted when it needs to be. */
  value(value: string): void {
    if (!NEEDS_QUOTES.test(value)) return this.text(value);
    this.byte(QUOTE);
    this.text(value.indexOf('"') < 0 ? value : value.replace(/"/g, '""'));
    this.byte(QUOTE);
  }

  /** A multivalue's plain cell: its values on lines of their own, quoted (it holds newlines). */
  lines(values: string[]): void {
    this.byte(QUOTE);
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.byte(LF);
      const value = values[i];
      this.text(value.indexOf('"') < 0 ? value : value.replace(/"/g, '""'));
    }
    this.byte(QUOTE);
  }

  /** A multivalue's twin cell, `$v1$;$v2$` (see multivalue.ts), quoted when a value needs it. */
  multivalue(values: string[]): void {
    const quoted = values.some((value) => NEEDS_QUOTES.test(value));
    if (quoted) this.byte(QUOTE);
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.byte(SEMICOLON);
      this.byte(DOLLAR);
      let value = values[i];
      if (value.indexOf("$") >= 0) value = value.replace(/\$/g, "$$$$");
      if (quoted && value.indexOf('"') >= 0) value = value.replace(/"/g, '""');
      this.text(value);
      this.byte(DOLLAR);
    }
    if (quoted) this.byte(QUOTE);
  }

  text(value: string): void {
    if (value.length === 0) return;
    this.room(value.length * 3); // the most UTF-8 bytes a UTF-16 string can need
    this.length += this.buffer.write(value, this.length);
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private room(needed: number): void {
    if (this.length + needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

export function isMultivalue(cell: Cell | undefined): boolean {
  return typeof cell !== "string" && cell !== undefined && cell.length > 1;
}

const NEEDS_QUOTES = /[",\r\n]/;

function quote(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return '"' + (value.indexOf('"') < 0 ? value : value.replace(/"/g, '""')) + '"';
}
