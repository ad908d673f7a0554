/**
 * The recent distinct values of one column (for CsvCursor.cachedField). It turns itself off when
 * most lookups miss (a column of unique values, like a timestamp), where it would only cost time.
 */
export class ValueCache {
  readonly raws: string[] = [];
  private readonly values: string[] = [];
  private next = 0;
  private hits = 0;
  private lookups = 0;
  enabled = true;

  constructor(private readonly size = 16) {}

  hit(i: number): string {
    this.hits++;
    this.counted();
    return this.values[i];
  }

  miss(raw: string, value: string): string {
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
