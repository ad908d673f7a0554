/**
 * Numbers each distinct tuple of `width` small non-negative integers (value ids) 0, 1, 2, ... in the
 * order first seen: a hash table with open addressing over typed arrays, so a lookup makes no
 * garbage and reads a few adjacent words. A repeat of the previous tuple is answered first.
 */
export class GroupTable {
  private keys: Int32Array; // tuple g at [g * width, (g + 1) * width)
  private slots: Int32Array; // group + 1, 0 for a free slot
  private count = 0;
  private last = -1;

  constructor(private readonly width: number, capacity = 1024) {
    this.keys = new Int32Array(capacity * width);
    this.slots = new Int32Array(capacity * 2);
  }

  get size(): number {
    return this.count;
  }

  /** Element `i` of tuple `group`. */
  key(group: number, i: number): number {
    return this.keys[group * this.width + i];
  }

  /** The number of the tuple, adding it when new. */
  indexOf(tuple: Int32Array): number {
    if (this.last >= 0 && this.holds(this.last, tuple)) return this.last;
    const mask = this.slots.length - 1;
    for (let at = hash(tuple) & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at];
      if (slot === 0) {
        this.slots[at] = this.add(tuple) + 1;
        if (this.count * 2 > this.slots.length) this.rehash();
        return (this.last = this.count - 1);
      }
      if (this.holds(slot - 1, tuple)) return (this.last = slot - 1);
    }
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
    this.last = -1;
  }

  private holds(group: number, tuple: Int32Array): boolean {
    const keys = this.keys;
    const base = group * this.width;
    for (let i = 0; i < tuple.length; i++) if (keys[base + i] !== tuple[i]) return false;
    return true;
  }

  private add(tuple: Int32Array): number {
    if ((this.count + 1) * this.width > this.keys.length) {
      const keys = new Int32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys.set(tuple, this.count * this.width);
    return this.count++;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const tuple = new Int32Array(this.width);
    for (let g = 0; g < this.count; g++) {
      for (let i = 0; i < this.width; i++) tuple[i] = this.keys[g * this.width + i];
      let at = hash(tuple) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = g + 1;
    }
    this.slots = slots;
  }
}

function hash(tuple: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tuple.length; i++) h = Math.imul(h ^ tuple[i], 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}
