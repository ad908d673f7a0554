/**
 * The recent distinct raw texts of one column and what was made of each (for CsvCursor.cachedField,
 * the value string; for FieldIds, value ids). It turns itself off when most lookups miss (a column
 * of unique values, like a timestamp), where it would only cost time.
 */
export class ValueCache<T = string> {
  readonly raws: string[] = [];
  private readonly values: T[] = [];
  private next = 0;
  private hits = 0;
  private lookups = 0;
  enabled = true;

  constructor(private readonly size = 16) {}

  hit(i: number): T {
    this.hits++;
    this.counted();
    return this.values[i];
  }

  miss(raw: string, value: T): T {
    this.counted();
    if (this.raws.length < this.size) {
      this.raws.push(raw);
      this.values.push(value);
    } else {
      this.raws[this.next] = raw;
      this.values[this.next] = value;
      this.next = (this.next + 1) % this.size;
    }
    return value;
  }

  /** Judged once, on the first JUDGE_AFTER lookups. */
  private counted(): void {
    if (++this.lookups === JUDGE_AFTER) this.enabled = this.hits * 2 >= this.lookups;
  }
}

const JUDGE_AFTER = 4096;
