/**
 * Gives each distinct value of one field a small integer id, read off the cursor's raw text: a
 * repeated cell costs a comparison (or a hash lookup), never a decode. A cell reads as the ids of
 * its present values, distinct: [] when empty, one id for a plain value, the ids of a multivalue
 * (its `__mv_` twin) in order of first appearance.
 */
import { CsvCursor, fieldColumns } from "./csv-cursor";
import { decodeMultivalue } from "./multivalue";
import { Cell } from "./types";

const NONE: readonly number[] = [];

export class FieldIds {
  /** The value of each id. */
  readonly values: string[] = [];
  private readonly idByValue = new Map<string, number>();
  private readonly plainCells = new RawTable();
  private readonly twinCells = new RawTable();
  private plain = -1;
  private twin = -1;

  constructor(readonly name: string) {}

  /** A new body: where the field's columns are. */
  setHeader(header: string[]): void {
    ({ plain: this.plain, twin: this.twin } = fieldColumns(header, this.name));
  }

  /**
   * The ids of the values in the current row, or null where the raw text cannot stand for the
   * value: doubled quotes, or a twin that is not a multivalue (read those rows with readCell).
   */
  idsOf(cursor: CsvCursor): readonly number[] | null {
    const twin = this.twin;
    if (twin >= 0 && !cursor.isEmpty(twin)) return this.cellIds(this.twinCells, cursor, twin);
    const plain = this.plain;
    if (plain < 0 || cursor.isEmpty(plain)) return NONE;
    return this.cellIds(this.plainCells, cursor, plain);
  }

  /**
   * The cell as its distinct present values: "" for none, the value for one, else a new array. The
   * strings are the ones kept for the ids, so a repeated value is the same string. null as idsOf.
   */
  valuesOf(cursor: CsvCursor): Cell | null {
    const ids = this.idsOf(cursor);
    if (ids === null) return null;
    if (ids.length < 2) return ids.length === 0 ? "" : this.values[ids[0]];
    return ids.map((id) => this.values[id]);
  }

  /** Forgets every id. */
  clear(): void {
    this.values.length = 0;
    this.idByValue.clear();
    this.plainCells.clear();
    this.twinCells.clear();
  }

  private cellIds(cells: RawTable, cursor: CsvCursor, col: number): readonly number[] | null {
    if (cursor.isEscaped(col)) return null;
    const known = cells.find(cursor, col);
    if (known !== undefined) return known;
    const ids = col === this.twin ? this.multivalueIds(cursor.field(col)) : [this.idOf(cursor.field(col))];
    cells.add(cursor, col, ids);
    return ids;
  }

  private multivalueIds(text: string): number[] | null {
    const values = decodeMultivalue(text);
    if (values === null) return null;
    const ids: number[] = [];
    for (const value of values) {
      if (value === "") continue;
      const id = this.idOf(value);
      if (ids.indexOf(id) < 0) ids.push(id);
    }
    return ids;
  }

  private idOf(value: string): number {
    let id = this.idByValue.get(value);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.idByValue.set(value, id);
    }
    return id;
  }
}

const RECENT = 8;
const JUDGE_AFTER = 4096;

/**
 * Items by the raw text of a cell. The cells found last are compared first, as most columns repeat
 * a handful of values; the rest go through a Map (the comparisons stop when few lookups hit them).
 */
class RawTable {
  private readonly raws: string[] = [];
  private readonly items: Array<number[] | null> = [];
  private readonly indexByRaw = new Map<string, number>();
  private readonly recent: number[] = [];
  private nextRecent = 0;
  private lookups = 0;
  private recentHits = 0;
  private recentFirst = true;

  find(cursor: CsvCursor, col: number): number[] | null | undefined {
    if (this.recentFirst) {
      if (++this.lookups === JUDGE_AFTER) this.recentFirst = this.recentHits * 2 >= this.lookups;
      const recent = this.recent;
      for (let i = 0; i < recent.length; i++) {
        if (cursor.rawEquals(col, this.raws[recent[i]])) {
          this.recentHits++;
          return this.items[recent[i]];
        }
      }
    }
    const index = this.indexByRaw.get(cursor.rawField(col));
    if (index === undefined) return undefined;
    if (this.recentFirst) this.remember(index);
    return this.items[index];
  }

  add(cursor: CsvCursor, col: number, item: number[] | null): void {
    const raw = cursor.ownRawField(col);
    const index = this.items.push(item) - 1;
    this.raws.push(raw);
    this.indexByRaw.set(raw, index);
    if (this.recentFirst) this.remember(index);
  }

  clear(): void {
    this.raws.length = 0;
    this.items.length = 0;
    this.indexByRaw.clear();
    this.recent.length = 0;
    this.nextRecent = 0;
  }

  private remember(index: number): void {
    if (this.recent.length < RECENT) this.recent.push(index);
    else {
      this.recent[this.nextRecent] = index;
      this.nextRecent = (this.nextRecent + 1) % RECENT;
    }
  }
}
