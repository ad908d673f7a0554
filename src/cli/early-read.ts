/**
 * Reading that starts before the command has answered getinfo: node starts the command's two
 * processes in 70-180 ms, which hunt otherwise spends idle. What is read is held, up to a bound,
 * and so is what the reading says on stderr, until the search asks for the events; a command that
 * never starts leaves nothing said but its own error.
 */
import { ReportOutput } from "../ingest/report";

/** At most this many events are held before the search asks for them (one execute chunk's worth). */
export const EARLY_EVENTS = 50_000;

export class EarlyRead<T> {
  private readonly held: T[][] = [];
  private heldEvents = 0;
  private stopped = false;
  private ended = false;
  private failure: unknown = null;
  private readonly stop = new AbortController();
  private readonly source: AsyncGenerator<T[]>;
  private readonly pumping: Promise<void>;

  /** `open` starts the reading; its signal aborts it after the chunk under way (see abandon()). */
  constructor(open: (signal: AbortSignal) => AsyncGenerator<T[]>) {
    this.source = open(this.stop.signal);
    this.pumping = this.pump();
  }

  /** The batches read so far, then the rest as it comes; its failure, if reading failed early, then. */
  async *events(): AsyncGenerator<T[]> {
    this.stopped = true;
    await this.pumping;
    try {
      while (this.held.length > 0) yield this.held.shift() as T[];
      if (this.failure !== null) throw this.failure;
      if (!this.ended) yield* this.source;
    } finally {
      // Left early (the command failed): the source's own cleanup still runs (files, decode workers).
      await this.source.return(undefined);
    }
  }

  /**
   * Stops reading when the search will never ask (its command did not start): the reading is aborted
   * after the chunk under way (one next() of a pre-filtered read may otherwise cover the whole input).
   * That chunk is not waited for: stdin may never send another byte (the caller destroys it).
   */
  abandon(): void {
    this.stopped = true;
    this.stop.abort();
    this.pumping.then(() => this.source.return(undefined)).catch(() => undefined);
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped && this.heldEvents < EARLY_EVENTS) {
        const next = await this.source.next();
        if (next.done) {
          this.ended = true;
          return;
        }
        this.held.push(next.value);
        this.heldEvents += next.value.length;
      }
    } catch (err) {
      this.failure = err;
      this.ended = true;
    }
  }
}

/** stderr for the reading's report, holding what it says until release(); after drop() it says nothing. */
export class HeldOutput implements ReportOutput {
  readonly isTTY: boolean;
  private state: "holding" | "passing" | "dropped" = "holding";
  private readonly held: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream) {
    this.isTTY = !!out.isTTY;
  }

  write(text: string): void {
    if (this.state === "passing") this.out.write(text);
    else if (this.state === "holding") this.held.push(text);
  }

  now(): number {
    return Date.now();
  }

  release(): void {
    if (this.state !== "holding") return;
    this.state = "passing";
    for (const text of this.held.splice(0)) this.out.write(text);
  }

  drop(): void {
    this.state = "dropped";
    this.held.length = 0;
  }
}
