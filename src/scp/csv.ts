/**
 * splunkd's CSV dialect: RFC 4180 quoting ("" inside quotes), "\n" or "\r\n" line ends, values
 * with embedded newlines, and a twin column `__mv_<field>` per field whose non-empty value
 * (`$v1$;$v2$`, `$$` for a literal `$`) carries the field's multivalue.
 *
 * Hand-written rather than csv-parse: this is the per-record hot path (measured in `npm run bench`),
 * and the tests hold it to csv-parse/csv-stringify as oracles.
 */
import { Cell, Table } from "./types";
import { ProtocolError } from "./framing";

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;
const MV_PREFIX = "__mv_";

/** Splits CSV text into rows of raw strings (no multivalue handling). */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  const parser = new RowParser(text);
  while (!parser.done()) {
    const row = parser.next();
    if (row !== null) rows.push(row);
  }
  return rows;
}

/** Decodes an execute body into a Table, merging `__mv_` twins into multivalue cells. */
export function decodeCsv(text: string): Table {
  const parser = new RowParser(text);
  const header = parser.done() ? null : parser.next();
  if (header === null) return { fields: [], rows: [] };

  const fields: string[] = [];
  const plainIndex: number[] = []; // header column -> plain field slot (or -1)
  const mvIndex: number[] = []; // header column -> plain field slot its multivalue belongs to (or -1)
  const slotByName: { [name: string]: number } = Object.create(null);
  for (const name of header) {
    if (name.lastIndexOf(MV_PREFIX, 0) !== 0) slotByName[name] = fields.push(name) - 1;
  }
  for (const name of header) {
    const isTwin = name.lastIndexOf(MV_PREFIX, 0) === 0 && slotByName[name.slice(MV_PREFIX.length)] !== undefined;
    plainIndex.push(isTwin ? -1 : slotByName[name]);
    mvIndex.push(isTwin ? slotByName[name.slice(MV_PREFIX.length)] : -1);
  }
  // A `__mv_x` column without its `x` is kept as a plain field of that name.
  for (let col = 0; col < header.length; col++) {
    if (plainIndex[col] === undefined) plainIndex[col] = slotByName[header[col]] = fields.push(header[col]) - 1;
  }

  const rows: Cell[][] = [];
  const width = header.length;
  while (!parser.done()) {
    const raw = parser.next();
    if (raw === null) continue; // blank line
    if (raw.length > width) {
      throw new ProtocolError(`CSV row ${rows.length + 1} has ${raw.length} fields but the header has ${width}`);
    }
    const row: Cell[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) row[i] = "";
    for (let col = 0; col < raw.length; col++) {
      const value = raw[col];
      if (value.length === 0) continue;
      const plain = plainIndex[col];
      if (plain >= 0) {
        if (row[plain] === "") row[plain] = value;
      } else {
        const values = decodeMultivalue(value);
        if (values !== null) row[mvIndex[col]] = values.length === 1 ? values[0] : values;
      }
    }
    rows.push(row);
  }
  return { fields, rows };
}

/** `$a$;$b$$c$` -> ["a", "b$c"]; null when the text is not in that form (the plain column then stands). */
export function decodeMultivalue(text: string): string[] | null {
  const values: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text.charCodeAt(pos) !== 36) return null;
    let value = "";
    let start = pos + 1;
    for (;;) {
      const dollar = text.indexOf("$", start);
      if (dollar < 0) return null;
      if (text.charCodeAt(dollar + 1) === 36) {
        value += text.slice(start, dollar + 1);
        start = dollar + 2;
        continue;
      }
      value += text.slice(start, dollar);
      pos = dollar + 1;
      break;
    }
    values.push(value);
    if (pos < text.length) {
      if (text.charCodeAt(pos) !== 59) return null; // ;
      pos++;
    }
  }
  return values;
}

export function encodeMultivalue(values: string[]): string {
  let out = "";
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ";$" : "$") + values[i].replace(/\$/g, "$$$$") + "$";
  return out;
}

/** Encodes a Table; a field gets its `__mv_` twin only when some row holds a multivalue in it. */
export function encodeCsv(table: Table): string {
  const { fields, rows } = table;
  const hasMultivalue: boolean[] = fields.map(() => false);
  for (const row of rows) {
    for (let i = 0; i < fields.length; i++) {
      const cell = row[i];
      if (typeof cell !== "string" && cell !== undefined && cell.length > 1) hasMultivalue[i] = true;
    }
  }
  const twins: number[] = [];
  for (let i = 0; i < fields.length; i++) if (hasMultivalue[i]) twins.push(i);

  const header = fields.map(quote);
  for (const i of twins) header.push(quote(MV_PREFIX + fields[i]));
  let out = header.join(",") + "\n";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < fields.length; i++) {
      const cell = row[i];
      if (i > 0) line += ",";
      if (typeof cell === "string") line += quote(cell);
      else if (cell !== undefined) line += quote(cell.join("\n"));
    }
    for (const i of twins) {
      const cell = row[i];
      line += ",";
      if (typeof cell !== "string" && cell !== undefined && cell.length > 1) line += quote(encodeMultivalue(cell));
    }
    out += line + "\n";
  }
  return out;
}

/** Builds a Table from records, the header being the union of their fields in first-seen order. */
export function tableFromRecords(records: Array<{ [field: string]: Cell | undefined }>): Table {
  const fields: string[] = [];
  const seen: { [name: string]: boolean } = Object.create(null);
  for (const record of records) {
    for (const name in record) {
      if (!seen[name]) {
        seen[name] = true;
        fields.push(name);
      }
    }
  }
  const rows = records.map((record) => fields.map((name) => record[name] || ""));
  return { fields, rows };
}

const NEEDS_QUOTES = /[",\r\n]/;

function quote(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return '"' + value.replace(/"/g, '""') + '"';
}

/** Reads one CSV record at a time from text; next() returns null for a blank line. */
class RowParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  next(): string[] | null {
    const text = this.text;
    const end = text.length;
    const row: string[] = [];
    let pos = this.pos;
    if (text.charCodeAt(pos) === LF || (text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === LF)) {
      this.pos = pos + (text.charCodeAt(pos) === CR ? 2 : 1);
      return null;
    }
    for (;;) {
      let value: string;
      if (text.charCodeAt(pos) === QUOTE) {
        let start = pos + 1;
        value = "";
        for (;;) {
          const close = text.indexOf('"', start);
          if (close < 0) throw new ProtocolError(`CSV quoted value starting at character ${pos} is never closed`);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(start, close + 1);
            start = close + 2;
            continue;
          }
          value += text.slice(start, close);
          pos = close + 1;
          break;
        }
        const after = text.charCodeAt(pos);
        if (pos < end && after !== COMMA && after !== LF && after !== CR) {
          throw new ProtocolError(`CSV has text after a closing quote at character ${pos}`);
        }
      } else {
        const start = pos;
        let c = text.charCodeAt(pos);
        while (pos < end && c !== COMMA && c !== LF && c !== CR) c = text.charCodeAt(++pos);
        value = text.slice(start, pos);
      }
      row.push(value);
      if (pos >= end) break;
      const c = text.charCodeAt(pos);
      if (c === COMMA) {
        pos++;
        if (pos >= end) {
          row.push("");
          break;
        }
        continue;
      }
      pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1; // end of record
      break;
    }
    this.pos = pos;
    return row;
  }
}
