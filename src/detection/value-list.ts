/**
 * The distinct values of one field in one stats group. Most groups see a handful of values, and the
 * strings of each event are fresh (their hashes not yet computed), so comparing against a short
 * list is cheaper than hashing into a Set; past SMALL values it switches to a Set.
 */
const SMALL = 8;

export class ValueList {
  private items: string[] = [];
  private set: Set<string> | null = null;

  /**
   * Adds one present (non-empty) value. Returns the kept string equal to it (an own copy, safe to
   * hold on to), or "" once the list has become a Set and the value was already there.
   */
  add(value: string): string {
    const set = this.set;
    if (set !== null) {
      if (set.has(value)) return "";
      const kept = ownCopy(value);
      set.add(kept);
      return kept;
    }
    const items = this.items;
    const n = value.length;
    const end = value.charCodeAt(n - 1);
    for (let i = 0; i < items.length; i++) {
      // A slice of the CSV chunk compares through a runtime call; rule most items out cheaply.
      const item = items[i];
      if (item.length === n && item.charCodeAt(n - 1) === end && item === value) return item;
    }
    const kept = ownCopy(value);
    items.push(kept);
    if (items.length > SMALL) this.set = new Set(items);
    return kept;
  }

  get size(): number {
    return this.set !== null ? this.set.size : this.items.length;
  }

  /** The values, in no particular order (a new array). */
  toArray(): string[] {
    return this.set !== null ? Array.from(this.set) : this.items.slice();
  }
}

/**
 * A copy of a string that does not share memory with the text it was cut from. Event strings are
 * slices of a whole CSV chunk; keeping a slice would keep the chunk alive for the life of the group.
 */
export function ownCopy(value: string): string {
  return (" " + value).slice(1);
}
