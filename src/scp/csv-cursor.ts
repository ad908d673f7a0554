/**
 * A cursor over the rows of a splunkd CSV body that finds field boundaries without making strings.
 * Callers read only the columns they need; on the hot path (50,000-row chunks of which a command
 * reads a dozen columns) that avoids most of the allocation and garbage of a full decode.
 */
import { ProtocolError } from "./framing";
import { decodeMultivalue } from "./multivalue";
import { Cell } from "./types";

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const MV_PREFIX = "__mv_";

export class CsvCursor {
  /** Column names of the header row, as sent (twins included). */
  readonly header: string[];
  private starts: Int32Array;
  private ends: Int32Array;
  private escaped: Uint8Array; // 1 when a quoted value holds doubled quotes
  private width = 0; // fields in the current row
  private pos = 0;
  rowNumber = 0;

  constructor(private readonly text: string) {
    this.starts = new Int32Array(64);
    this.ends = new Int32Array(64);
    this.escaped = new Uint8Array(64);
    this.header = this.next() ? this.allFields() : [];
    this.rowNumber = 0;
  }

  /** Moves to the next row, skipping blank lines; false at the end of the body. */
  next(): boolean {
    const text = this.text;
    const end = text.length;
    for (;;) {
      if (this.pos >= end) return false;
      const c = text.charCodeAt(this.pos);
      if (c === LF) this.pos++;
      else if (c === CR && text.charCodeAt(this.pos + 1) === LF) this.pos += 2;
      else break;
    }
    let pos = this.pos;
    let col = 0;
    for (;;) {
      if (col === this.starts.length) this.grow();
      let c = text.charCodeAt(pos);
      if (c === QUOTE) {
        const start = pos + 1;
        let escaped = 0;
        let close = text.indexOf('"', start);
        while (close >= 0 && text.charCodeAt(close + 1) === QUOTE) {
          escaped = 1;
          close = text.indexOf('"', close + 2);
        }
        if (close < 0) throw new ProtocolError(`CSV row ${this.rowNumber + 1}: a quoted value is never closed`);
        this.starts[col] = start;
        this.ends[col] = close;
        this.escaped[col] = escaped;
        pos = close + 1;
        c = text.charCodeAt(pos);
        if (pos < end && c !== COMMA && c !== LF && c !== CR) {
          throw new ProtocolError(`CSV row ${this.rowNumber + 1}: text after a closing quote`);
        }
      } else {
        this.starts[col] = pos;
        while (pos < end && c !== COMMA && c !== LF && c !== CR) c = text.charCodeAt(++pos);
        this.ends[col] = pos;
        this.escaped[col] = 0;
      }
      col++;
      if (pos >= end) break;
      if (c === COMMA) {
        pos++;
        if (pos >= end) {
          if (col === this.starts.length) this.grow();
          this.starts[col] = this.ends[col] = pos;
          this.escaped[col] = 0;
          col++;
          break;
        }
        continue;
      }
      pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      break;
    }
    this.pos = pos;
    this.width = col;
    this.rowNumber++;
    return true;
  }

  /** Fields in the current row. */
  get fieldCount(): number {
    return this.width;
  }

  isEmpty(col: number): boolean {
    return col >= this.width || this.starts[col] === this.ends[col];
  }

  /** The value of column `col` in the current row ("" when the row is shorter). */
  field(col: number): string {
    if (col >= this.width) return "";
    const value = this.text.slice(this.starts[col], this.ends[col]);
    return this.escaped[col] === 1 ? value.replace(/""/g, '"') : value;
  }

  allFields(): string[] {
    const fields: string[] = new Array(this.width);
    for (let i = 0; i < this.width; i++) fields[i] = this.field(i);
    return fields;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const escaped = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }
}

/**
 * Where a field lives in the header: its plain column and its `__mv_` twin (-1 when absent).
 * Reading a cell then costs one slice, or nothing when the field is empty.
 */
export interface FieldColumns {
  plain: number;
  twin: number;
}

export function fieldColumns(header: string[], name: string): FieldColumns {
  return { plain: header.indexOf(name), twin: header.indexOf(MV_PREFIX + name) };
}

/** The cell of a field in the cursor's current row: a multivalue when its twin says so. */
export function readCell(cursor: CsvCursor, columns: FieldColumns): Cell {
  if (columns.twin >= 0 && !cursor.isEmpty(columns.twin)) {
    const values = decodeMultivalue(cursor.field(columns.twin));
    if (values !== null) return values.length === 1 ? values[0] : values;
  }
  return columns.plain >= 0 ? cursor.field(columns.plain) : "";
}
