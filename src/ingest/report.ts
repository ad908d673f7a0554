/**
 * What `hunt` tells the operator on stderr about its input: every rejected record with file and line
 * (the first few per file in full, then a count), a progress line for big inputs, and a summary.
 * Nothing here writes to stdout, which carries only results.
 */
export interface ReportOutput {
  write(text: string): void;
  isTTY: boolean;
  now(): number; // milliseconds
}

/** Inputs at least this big get a progress line. */
export const PROGRESS_THRESHOLD_BYTES = 8 << 20;
const DETAILS_PER_FILE = 20;
const TTY_INTERVAL_MS = 250;
const LOG_INTERVAL_MS = 10_000;

/**
 * A count with thousands separators, as toLocaleString("en-US") writes a non-negative integer (the
 * oracle in test/ingest-count.test.ts). By hand because the first toLocaleString loads ICU's
 * locale data: 28-34 ms of a hunt over a small input, measured in a CPU profile.
 */
export function thousands(count: number): string {
  const digits = String(count);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = out.length; at < digits.length; at += 3) out += "," + digits.slice(at, at + 3);
  return out;
}

const count = thousands;
const megabytes = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export class InputReport {
  events = 0;
  rejected = 0;
  inputs = 0;
  readonly skipped = new Map<string, number>();
  readonly warnings = new Map<string, number>();
  /** Events that carried no usable time and were given one (see TimeAssigner). */
  timeAssigned = 0;
  private readonly detailsShown = new Map<string, number>();
  private readonly started: number;
  private lastProgress = 0;
  private progressShown = false;
  private progressOpen = false; // a TTY progress line awaits its newline

  constructor(
    private readonly out: ReportOutput,
    private readonly totalBytes: number | undefined, // sum of file sizes; undefined when stdin is read
  ) {
    this.started = out.now();
    this.lastProgress = this.started; // the first line after one interval, not at once
  }

  reject(file: string, line: number, message: string): void {
    this.rejected++;
    const shown = this.detailsShown.get(file) || 0;
    this.detailsShown.set(file, shown + 1);
    if (shown < DETAILS_PER_FILE) this.message(`rejected ${file}:${line}: ${message}`);
    else if (shown === DETAILS_PER_FILE) this.message(`rejected ${file}: more records rejected; only the first ${DETAILS_PER_FILE} are listed`);
  }

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) || 0) + 1);
  }

  /** Something about the input that may make the rows differ from Splunk's, counted and told once at the end. */
  warn(reason: string): void {
    this.warnings.set(reason, (this.warnings.get(reason) || 0) + 1);
  }

  /** A problem with a whole input (unreadable, truncated gzip): reported at once, counted as one rejection. */
  fail(file: string, line: number, message: string): void {
    this.rejected++;
    this.message(`rejected ${file}:${line}: ${message}`);
  }

  progress(bytesRead: number): void {
    const big = this.totalBytes === undefined ? bytesRead >= PROGRESS_THRESHOLD_BYTES : this.totalBytes >= PROGRESS_THRESHOLD_BYTES;
    if (!big) return;
    const now = this.out.now();
    if (now - this.lastProgress < (this.out.isTTY ? TTY_INTERVAL_MS : LOG_INTERVAL_MS)) return;
    this.lastProgress = now;
    this.progressShown = true;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const of =
      this.totalBytes === undefined
        ? megabytes(bytesRead)
        : `${megabytes(bytesRead)} of ${megabytes(this.totalBytes)}, ${Math.floor((100 * bytesRead) / Math.max(1, this.totalBytes))}%`;
    const text = `read ${count(this.events)} events (${of}) at ${count(Math.round(this.events / seconds))} events/s`;
    if (this.out.isTTY) {
      this.out.write(`\rhunt: ${text}\u001b[K`);
      this.progressOpen = true;
    } else {
      this.out.write(`hunt: ${text}\n`);
    }
  }

  /** The closing summary: events read, rejected, skipped by reason. */
  finish(): void {
    const seconds = (this.out.now() - this.started) / 1000;
    const rate = this.progressShown ? ` in ${seconds.toFixed(1)} s` : "";
    const inputs = this.inputs === 1 ? "1 input" : `${count(this.inputs)} inputs`;
    this.message(`read ${count(this.events)} events from ${inputs}${rate}; ${count(this.rejected)} rejected`);
    for (const [reason, n] of this.skipped) this.message(`skipped ${count(n)} ${reason}`);
    if (this.timeAssigned > 0) {
      this.message(
        `warning: ${count(this.timeAssigned)} ${this.timeAssigned === 1 ? "event carries" : "events carry"} no usable time; ` +
          "given, as Splunk does, the previous event's time from the same source, else the file's modification time, else the current time",
      );
    }
    for (const [reason, n] of this.warnings) this.message(`warning: ${count(n)} ${reason}`);
  }

  private message(text: string): void {
    if (this.progressOpen) {
      this.out.write("\n");
      this.progressOpen = false;
    }
    this.out.write(`hunt: ${text}\n`);
  }
}
