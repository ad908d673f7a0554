/**
 * The hot path of mode=stats: matching rows aggregated straight from their cells, by value ids,
 * without making an event. It takes a row whose by-fields are present, whose _time is one plain
 * decimal, and whose cells' raw text is their value (no doubled quotes); a multivalue by-field
 * counts the row once in each combination, as the stats do. The caller reads any other row as an
 * event for PodScanStats.
 *
 * drain() hands the groups over as partial rows, which PodScanStats merges as it merges any map
 * phase's output (sum, min, max, union), so what the stats mean is written there alone.
 */
import { BY_FIELD_SOURCES, PartialRecord, VALUES_SOURCES } from "../detection/stats";
import { SPLUNK_FIELD } from "../detection/event";
import { cellOf, compareStrings } from "../detection/values";
import { CsvCursor, FieldColumns, fieldColumns } from "../scp/csv-cursor";
import { FieldIds } from "../scp/field-ids";
import { DecimalTime, decimalText, parseDecimalTime } from "./decimal-time";
import { GroupTable } from "./group-table";

const BY = BY_FIELD_SOURCES.length;
const VALUES = VALUES_SOURCES.length;
const MASK_BITS = 31; // value ids below this are kept as bits; the rest in a list

export class RowAggregator {
  private readonly byFields = BY_FIELD_SOURCES.map(([, key]) => new FieldIds(SPLUNK_FIELD[key]));
  private readonly valueFields = VALUES_SOURCES.map(([, key]) => new FieldIds(SPLUNK_FIELD[key]));
  private time: FieldColumns = { plain: -1, twin: -1 };
  private readonly groups = new GroupTable(BY);
  private readonly byIds: Array<readonly number[]> = [];
  private readonly valueIds: Array<readonly number[]> = [];
  private readonly tuple = new Int32Array(BY);
  private readonly parsed: DecimalTime = { digits: 0, scale: 0 };
  // Per group: count, then first and last time as number, digits and scale.
  private counts = new Float64Array(1024);
  private times = new Float64Array(1024 * 6);
  private masks = new Int32Array(1024 * VALUES);
  private readonly moreIds = new Map<number, number[]>(); // group * VALUES + value field -> ids >= MASK_BITS

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

  /** Multivalue by-fields: the event counts once in each combination of their values. */
  private addToEach(field: number, num: number): void {
    const ids = this.byIds[field];
    for (let j = 0; j < ids.length; j++) {
      this.tuple[field] = ids[j];
      if (field + 1 < BY) this.addToEach(field + 1, num);
      else this.addTo(this.groupOf(this.tuple), num);
    }
  }

  private addTo(g: number, num: number): void {
    this.counts[g]++;
    this.offerTime(g, num);
    for (let i = 0; i < VALUES; i++) {
      const ids = this.valueIds[i];
      for (let j = 0; j < ids.length; j++) {
        const id = ids[j];
        if (id < MASK_BITS) this.masks[g * VALUES + i] |= 1 << id;
        else this.addMoreId(g * VALUES + i, id);
      }
    }
  }

  /** The groups as partial rows (PARTIAL_COLUMNS), forgetting them and every id. */
  drain(): PartialRecord[] {
    const records: PartialRecord[] = [];
    for (let g = 0; g < this.groups.size; g++) {
      const record: PartialRecord = {};
      for (let i = 0; i < BY; i++) record[BY_FIELD_SOURCES[i][0]] = this.byFields[i].values[this.groups.key(g, i)];
      record["count"] = String(this.counts[g]);
      const t = g * 6;
      record["firstTime"] = decimalText(this.times[t + 1], this.times[t + 2]);
      record["lastTime"] = decimalText(this.times[t + 4], this.times[t + 5]);
      for (let i = 0; i < VALUES; i++) record[VALUES_SOURCES[i][0]] = this.valuesOf(g, i);
      records.push(record);
    }
    this.groups.clear();
    this.counts.fill(0);
    this.masks.fill(0);
    this.moreIds.clear();
    for (const field of this.byFields.concat(this.valueFields)) field.clear();
    return records;
  }

  private groupOf(ids: Int32Array): number {
    const g = this.groups.indexOf(ids);
    if (g >= this.counts.length) {
      this.counts = grown(this.counts, g + 1, 1);
      this.times = grown(this.times, g + 1, 6);
      this.masks = grown(this.masks, g + 1, VALUES);
    }
    return g;
  }

  /** min and max of _time; equal numbers written differently resolve to the smaller text, as in StatsGroup. */
  private offerTime(g: number, num: number): void {
    const times = this.times;
    const t = g * 6;
    const { digits, scale } = this.parsed;
    if (this.counts[g] === 1) {
      times[t] = times[t + 3] = num;
      times[t + 1] = times[t + 4] = digits;
      times[t + 2] = times[t + 5] = scale;
      return;
    }
    if (num < times[t] || (num === times[t] && this.smallerText(digits, scale, times[t + 1], times[t + 2]))) {
      times[t] = num;
      times[t + 1] = digits;
      times[t + 2] = scale;
    }
    if (num > times[t + 3] || (num === times[t + 3] && this.smallerText(digits, scale, times[t + 4], times[t + 5]))) {
      times[t + 3] = num;
      times[t + 4] = digits;
      times[t + 5] = scale;
    }
  }

  private smallerText(digits: number, scale: number, thanDigits: number, thanScale: number): boolean {
    if (digits === thanDigits && scale === thanScale) return false;
    return compareStrings(decimalText(digits, scale), decimalText(thanDigits, thanScale)) < 0;
  }

  private addMoreId(slot: number, id: number): void {
    const ids = this.moreIds.get(slot);
    if (ids === undefined) this.moreIds.set(slot, [id]);
    else if (ids.indexOf(id) < 0) ids.push(id);
  }

  /** A values() cell as PodScanStats writes one: "" for none, the value for one, else the values sorted. */
  private valuesOf(g: number, field: number): string | string[] {
    const values = this.valueFields[field].values;
    const out: string[] = [];
    const mask = this.masks[g * VALUES + field];
    for (let id = 0; id < MASK_BITS; id++) if (mask & (1 << id)) out.push(values[id]);
    for (const id of this.moreIds.get(g * VALUES + field) || []) out.push(values[id]);
    return cellOf(out);
  }
}

/** A copy of `array` with room for `items` items of `width` slots, doubling. */
function grown<T extends Float64Array | Int32Array>(array: T, items: number, width: number): T {
  let size = array.length * 2;
  while (size < items * width) size *= 2;
  const bigger = new (array.constructor as { new (n: number): T })(size);
  bigger.set(array);
  return bigger;
}
