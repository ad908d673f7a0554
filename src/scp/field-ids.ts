/**
 * Gives each distinct value of one field a small integer id, read off the cursor's raw text: a
 * repeated cell costs a comparison (or a hash lookup), never a decode. A cell reads as the ids of
 * its present values, distinct: [] when empty, one id for a plain value, the ids of a multivalue
 * (its `__mv_` twin) in order of first appearance.
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
  private plainRecent = new ValueCache<number>(8);
  private readonly idByRaw = new Map<string, number>();
  private readonly single: Array<readonly number[]> = []; // [id], by id
  private readonly rawOf: string[] = []; // a raw text of each id read from a plain cell
  private twinCells = new CellTable();
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
    if (twin >= 0 && !cursor.isEmpty(twin)) return this.twinIds(cursor, twin);
    const plain = this.plain;
    if (plain < 0 || cursor.isEmpty(plain)) return NONE;
    return this.plainIds(cursor, plain);
  }

  /**
   * A plain cell. Its raw text maps straight to its id, and the [id] arrays are made once per id:
   * no object between them to reach (the map phase went from ~1.00 to ~0.97 s with it).
   * The cells seen last are compared first, as most columns repeat a handful of values.
   */
  private plainIds(cursor: CsvCursor, col: number): readonly number[] | null {
    if (cursor.isEscaped(col)) return null;
    const recent = this.plainRecent;
    if (recent.enabled) {
      const raws = recent.raws;
      for (let i = 0; i < raws.length; i++) if (cursor.rawEquals(col, raws[i])) return this.single[recent.hit(i)];
    }
    let id = this.idByRaw.get(cursor.rawField(col));
    if (id === undefined) {
      const raw = cursor.ownRawField(col);
      id = this.idOf(cursor.field(col));
      this.idByRaw.set(raw, id);
      if (this.rawOf[id] === undefined) this.rawOf[id] = raw;
    }
    if (recent.enabled) recent.miss(this.rawOf[id], id);
    return this.single[id];
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
    this.plainRecent = new ValueCache<number>(8);
    this.idByRaw.clear();
    this.single.length = 0;
    this.rawOf.length = 0;
    this.twinCells = new CellTable();
  }

  /** A multivalue, by the raw text of its twin cell (the same way as plain cells, through an object). */
  private twinIds(cursor: CsvCursor, col: number): readonly number[] | null {
    if (cursor.isEscaped(col)) return null;
    const cells = this.twinCells;
    const recent = cells.recent;
    if (recent.enabled) {
      const raws = recent.raws;
      for (let i = 0; i < raws.length; i++) if (cursor.rawEquals(col, raws[i])) return recent.hit(i).ids;
    }
    let cell = cells.byRaw.get(cursor.rawField(col));
    if (cell === undefined) {
      const raw = cursor.ownRawField(col);
      cell = { raw, ids: this.multivalueIds(cursor.field(col)) };
      cells.byRaw.set(raw, cell);
    }
    if (recent.enabled) recent.miss(cell.raw, cell);
    return cell.ids;
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
      this.single.push([id]);
    }
    return id;
  }
}

/** The ids of each distinct raw text of a twin column (own copies: the row's text is a passing window). */
interface CellIds {
  raw: string;
  ids: readonly number[] | null;
}

class CellTable {
  readonly recent = new ValueCache<CellIds>(8);
  readonly byRaw = new Map<string, CellIds>();
}
