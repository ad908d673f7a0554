/**
 * Gives each distinct value of one field a small integer id, read off the cursor's raw text: a
 * repeated cell costs a comparison (or a hash lookup), never a decode. A cell reads as the ids of
 * its present values: [] when empty, one id for a plain value, the ids of a multivalue (its `__mv_`
 * twin) in order, a repeated value repeated (stats counts an event once per by-field value).
 */
import { CsvCursor, fieldColumns } from "./csv-cursor";
import { decodeMultivalue } from "./multivalue";
import { Cell } from "./types";
import { ValueCache } from "./value-cache";

const NONE: readonly number[] = [];

export class FieldIds {
  /** The value of each id. */
  readonly values: string[] = [];
  private readonly idByValue = new Map<string, number>();
  private readonly single: Array<readonly number[]> = []; // [id], by id: made once, not per cell
  private readonly rawOf: string[] = []; // a plain cell's raw text for each id read from one
  private plainCells = this.plainLookup();
  private twinCells = this.twinLookup();
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
    if (twin >= 0 && !cursor.isEmpty(twin)) return cursor.isEscaped(twin) ? null : this.twinCells.find(cursor, twin).ids;
    const plain = this.plain;
    if (plain < 0 || cursor.isEmpty(plain)) return NONE;
    return cursor.isEscaped(plain) ? null : this.single[this.plainCells.find(cursor, plain)];
  }

  /**
   * The cell as its present values: "" for none, the value for one, else a new array. The
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
    this.single.length = 0;
    this.rawOf.length = 0;
    this.plainCells = this.plainLookup();
    this.twinCells = this.twinLookup();
  }

  /**
   * A plain cell's raw text maps straight to its id: no object between them to reach (timed by
   * hand, the map phase went from ~1.00 to ~0.97 s with it).
   */
  private plainLookup(): RawLookup<number> {
    return new RawLookup<number>(
      (cursor, col, raw) => {
        const id = this.idOf(cursor.field(col));
        if (this.rawOf[id] === undefined) this.rawOf[id] = raw;
        return id;
      },
      (id) => this.rawOf[id],
    );
  }

  /** A twin cell's raw text maps to the ids of its multivalue. */
  private twinLookup(): RawLookup<TwinCell> {
    return new RawLookup<TwinCell>(
      (cursor, col, raw) => ({ raw, ids: this.multivalueIds(cursor.field(col)) }),
      (cell) => cell.raw,
    );
  }

  private multivalueIds(text: string): number[] | null {
    const values = decodeMultivalue(text);
    if (values === null) return null;
    const ids: number[] = [];
    for (const value of values) {
      if (value === "") continue;
      ids.push(this.idOf(value));
    }
    return ids;
  }

  private idOf(value: string): number {
    let id = this.idByValue.get(value);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.idByValue.set(value, id);
      this.single.push([id]);
    }
    return id;
  }
}

interface TwinCell {
  raw: string;
  ids: readonly number[] | null;
}

/**
 * What was made of each distinct raw text of a column. The texts seen last are compared first, as
 * most columns repeat a handful of values; the rest are found through a Map.
 */
class RawLookup<T> {
  private readonly recent = new ValueCache<T>(8);
  private readonly byRaw = new Map<string, T>();

  /**
   * `make` works out the item of a new text (`raw`, its own copy: the row's text is a passing
   * window); `rawOf` gives back a text of an item.
   */
  constructor(
    private readonly make: (cursor: CsvCursor, col: number, raw: string) => T,
    private readonly rawOf: (item: T) => string,
  ) {}

  /** The item of the raw text of column `col` (non-empty, no doubled quotes). */
  find(cursor: CsvCursor, col: number): T {
    const recent = this.recent;
    if (recent.enabled) {
      const raws = recent.raws;
      for (let i = 0; i < raws.length; i++) if (cursor.rawEquals(col, raws[i])) return recent.hit(i);
    }
    let item = this.byRaw.get(cursor.rawField(col));
    if (item === undefined) {
      const raw = cursor.ownRawField(col);
      item = this.make(cursor, col, raw);
      this.byRaw.set(raw, item);
    }
    if (recent.enabled) recent.miss(this.rawOf(item), item);
    return item;
  }
}
