/**
 * The hot path of mode=stats: matching rows aggregated straight from their cells, by value ids,
 * without making an event. It takes a row whose by-fields are present, whose _time is one plain
 * decimal, and whose cells' raw text is their value (no doubled quotes); a multivalue by-field
 * counts the row once in each combination (a repeated value again), as the stats do. The caller
 * reads any other row as an event for PodScanStats.
 *
 * drain() hands the groups over as partial rows, which PodScanStats merges as it merges any map
 * phase's output (sum, min, max, union), so what the stats mean is written there alone.
 */
import { BY_FIELD_SOURCES, PARTIAL_COLUMNS, VALUES_SOURCES } from "../detection/stats";
import { FieldValue, SPLUNK_FIELD } from "../detection/event";
import { cellOf, compareStrings } from "../detection/values";
import { CsvCursor, FieldColumns, fieldColumns } from "../scp/csv-cursor";
import { FieldIds } from "../scp/field-ids";
import { DecimalTime, decimalText, parseDecimalTime } from "./decimal-time";
import { GroupTable } from "./group-table";

const BY = BY_FIELD_SOURCES.length;
// Where each cell goes in a partial row.
const BY_CELLS = BY_FIELD_SOURCES.map(([column]) => PARTIAL_COLUMNS.indexOf(column));
const VALUES_CELLS = VALUES_SOURCES.map(([column]) => PARTIAL_COLUMNS.indexOf(column));
const COUNT_CELL = PARTIAL_COLUMNS.indexOf("count");
const FIRST_CELL = PARTIAL_COLUMNS.indexOf("firstTime");
const LAST_CELL = PARTIAL_COLUMNS.indexOf("lastTime");
const VALUES = VALUES_SOURCES.length;
const MASK_BITS = 31; // value ids below this are kept as bits; the rest in a list

// One group's state, kept together (two cache lines) in one array: count; first and last _time,
// each as number, digits and scale; a bit mask of value ids per values() field.
const COUNT = 0;
const FIRST = 1;
const LAST = 4;
const MASKS = 7;
const STRIDE = 16;

export class RowAggregator {
  private readonly byFields = BY_FIELD_SOURCES.map(([, key]) => new FieldIds(SPLUNK_FIELD[key]));
  private readonly valueFields = VALUES_SOURCES.map(([, key]) => new FieldIds(SPLUNK_FIELD[key]));
  private time: FieldColumns = { plain: -1, twin: -1 };
  private readonly groups = new GroupTable(BY);
  private readonly byIds: Array<readonly number[]> = [];
  private readonly valueIds: Array<readonly number[]> = [];
  private readonly tuple = new Int32Array(BY);
  private readonly parsed: DecimalTime = { digits: 0, scale: 0 };
  private state = new Float64Array(1024 * STRIDE);
  private readonly moreIds = new Map<number, Set<number>>(); // group * VALUES + value field -> ids >= MASK_BITS

  get groupCount(): number {
    return this.groups.size;
  }

  /** A new body: resolves its columns. */
  setHeader(header: string[]): void {
    for (const field of this.byFields.concat(this.valueFields)) field.setHeader(header);
    this.time = fieldColumns(header, SPLUNK_FIELD.time);
  }

  /**
   * Aggregates the cursor's row (a matching event). False when it is not a row for this path: a
   * by-field missing (the event is dropped), _time not one plain decimal, or a cell whose raw text
   * cannot stand for its value.
   */
  add(cursor: CsvCursor): boolean {
    const time = this.time;
    if (time.plain < 0 || (time.twin >= 0 && !cursor.isEmpty(time.twin))) return false;
    const num = parseDecimalTime(cursor.text, cursor.cellStart(time.plain), cursor.cellEnd(time.plain), this.parsed);
    if (num !== num) return false;
    let combinations = 1;
    for (let i = 0; i < BY; i++) {
      const ids = this.byFields[i].idsOf(cursor);
      if (ids === null || ids.length === 0) return false;
      combinations *= ids.length;
      this.byIds[i] = ids;
    }
    for (let i = 0; i < VALUES; i++) {
      const ids = this.valueFields[i].idsOf(cursor);
      if (ids === null) return false;
      this.valueIds[i] = ids;
    }
    if (combinations === 1) {
      for (let i = 0; i < BY; i++) this.tuple[i] = this.byIds[i][0];
      this.addTo(this.groupOf(this.tuple), num);
    } else this.addToEach(0, num);
    return true;
  }

  /** Multivalue by-fields: the event counts once per combination of their values, repeats included. */
  private addToEach(field: number, num: number): void {
    const ids = this.byIds[field];
    for (let j = 0; j < ids.length; j++) {
      this.tuple[field] = ids[j];
      if (field + 1 < BY) this.addToEach(field + 1, num);
      else this.addTo(this.groupOf(this.tuple), num);
    }
  }

  private addTo(g: number, num: number): void {
    const state = this.state;
    const at = g * STRIDE;
    if (++state[at + COUNT] === 1) this.setTime(at + FIRST, num).setTime(at + LAST, num);
    else this.offerTime(at, num);
    for (let i = 0; i < VALUES; i++) {
      const ids = this.valueIds[i];
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j];
        if (id < MASK_BITS) state[at + MASKS + i] = state[at + MASKS + i] | (1 << id);
        else this.addMoreId(g * VALUES + i, id);
      }
    }
  }

  /** The groups as partial rows (cells in PARTIAL_COLUMNS order), forgetting them and every id. */
  drain(): FieldValue[][] {
    const rows: FieldValue[][] = [];
    for (let g = 0; g < this.groups.size; g++) {
      const row: FieldValue[] = new Array(PARTIAL_COLUMNS.length);
      for (let i = 0; i < BY; i++) row[BY_CELLS[i]] = this.byFields[i].values[this.groups.key(g, i)];
      const at = g * STRIDE;
      row[COUNT_CELL] = String(this.state[at + COUNT]);
      row[FIRST_CELL] = decimalText(this.state[at + FIRST + 1], this.state[at + FIRST + 2]);
      row[LAST_CELL] = decimalText(this.state[at + LAST + 1], this.state[at + LAST + 2]);
      for (let i = 0; i < VALUES; i++) row[VALUES_CELLS[i]] = this.valuesOf(g, i);
      rows.push(row);
    }
    this.state.fill(0, 0, this.groups.size * STRIDE);
    this.groups.clear();
    this.moreIds.clear();
    for (const field of this.byFields.concat(this.valueFields)) field.clear();
    return rows;
  }

  private groupOf(ids: Int32Array): number {
    const g = this.groups.indexOf(ids);
    if ((g + 1) * STRIDE > this.state.length) {
      const state = new Float64Array(this.state.length * 2);
      state.set(this.state);
      this.state = state;
    }
    return g;
  }

  private setTime(at: number, num: number): this {
    this.state[at] = num;
    this.state[at + 1] = this.parsed.digits;
    this.state[at + 2] = this.parsed.scale;
    return this;
  }

  /** min and max of _time; equal numbers written differently resolve to the smaller text, as in StatsGroup. */
  private offerTime(at: number, num: number): void {
    const state = this.state;
    const { digits, scale } = this.parsed;
    const first = at + FIRST;
    if (num < state[first] || (num === state[first] && this.smallerText(digits, scale, state[first + 1], state[first + 2]))) {
      this.setTime(first, num);
    }
    const last = at + LAST;
    if (num > state[last] || (num === state[last] && this.smallerText(digits, scale, state[last + 1], state[last + 2]))) {
      this.setTime(last, num);
    }
  }

  private smallerText(digits: number, scale: number, thanDigits: number, thanScale: number): boolean {
    if (digits === thanDigits && scale === thanScale) return false;
    return compareStrings(decimalText(digits, scale), decimalText(thanDigits, thanScale)) < 0;
  }

  private addMoreId(slot: number, id: number): void {
    const ids = this.moreIds.get(slot);
    if (ids === undefined) this.moreIds.set(slot, new Set([id]));
    else ids.add(id);
  }

  /** A values() cell as PodScanStats writes one: "" for none, the value for one, else the values sorted. */
  private valuesOf(g: number, field: number): string | string[] {
    const values = this.valueFields[field].values;
    const out: string[] = [];
    const mask = this.state[g * STRIDE + MASKS + field];
    for (let id = 0; id < MASK_BITS; id++) if (mask & (1 << id)) out.push(values[id]);
    const more = this.moreIds.get(g * VALUES + field);
    if (more !== undefined) more.forEach((id) => out.push(values[id]));
    return cellOf(out);
  }
}
