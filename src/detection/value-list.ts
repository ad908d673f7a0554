/**
 * The distinct values of one field in one stats group. Most groups see a handful of values, often
 * as the very string objects they were first added as (the CSV reader hands repeats out as one
 * string), so comparing against a short list is cheaper than hashing into a Set; past SMALL values
 * it switches to a Set.
 */
const SMALL = 8;

export class ValueList {
  private items: string[] = [];
  private set: Set<string> | null = null;

  /**
   * Adds one present (non-empty) value. Returns the kept string equal to it, or "" once the list
   * has become a Set and the value was already there.
   */
  add(value: string): string {
    const set = this.set;
    if (set !== null) {
      if (set.has(value)) return "";
      set.add(value);
      return value;
    }
    const items = this.items;
    const n = value.length;
    const end = value.charCodeAt(n - 1);
    for (let i = 0; i < items.length; i++) {
      // Rule most items out before a whole-string comparison.
      const item = items[i];
      if (item.length === n && item.charCodeAt(n - 1) === end && item === value) return item;
    }
    items.push(value);
    if (items.length > SMALL) this.set = new Set(items);
    return value;
  }

  get size(): number {
    return this.set !== null ? this.set.size : this.items.length;
  }

  /** The values, in no particular order (a new array). */
  toArray(): string[] {
    return this.set !== null ? Array.from(this.set) : this.items.slice();
  }
}
