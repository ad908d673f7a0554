/**
 * Reads a CSV body that arrives in pieces (as stdin delivers it) row by row, holding only the bytes
 * of rows not yet complete: memory follows the longest row, never the body (50,000 rows a chunk).
 */
import { CsvCursor } from "./csv-cursor";

export interface CsvRowHandler {
  /** The header row, once per body, before any row (never called for an empty body). */
  header(names: string[]): void;
  /** One data row; the cursor is only valid during the call. */
  row(cursor: CsvCursor): void;
}

const LF = 10;
/**
 * Rows are scanned in windows of about this many bytes. Under 128 KiB a string is allocated in
 * V8's young generation: made there, a scan window cost a quarter of one in large-object space
 * (timed by hand on node 20: 257 MB turned into 64 KiB strings in 36 ms, into 192 KiB ones in 224).
 */
const WINDOW_BYTES = 64 * 1024;

export class CsvRowStream {
  private window = Buffer.allocUnsafe(2 * WINDOW_BYTES);
  private held = 0; // bytes in the window not yet read as rows
  private retryAt = 0; // an unfinished row is not rescanned before this many bytes are held
  private lastLF = -1; // the last newline held (-1: none), where the next scan can stop
  private sawHeader = false;
  private rowNumber = 0;

  constructor(private readonly handler: CsvRowHandler) {}

  /** The bytes held room for: twice the scan window, unless a longer unfinished row needed more. */
  get capacity(): number {
    return this.window.length;
  }

  write(part: Buffer): void {
    for (let at = 0; at < part.length; at += WINDOW_BYTES) this.append(part.subarray(at, Math.min(at + WINDOW_BYTES, part.length)));
  }

  private append(piece: Buffer): void {
    if (this.held + piece.length > this.window.length) this.grow(this.held + piece.length);
    piece.copy(this.window, this.held);
    const lf = piece.lastIndexOf(LF);
    if (lf >= 0) this.lastLF = this.held + lf;
    this.held += piece.length;
    if (this.held < WINDOW_BYTES || this.held < this.retryAt || this.lastLF < 0) return;
    this.scan(this.lastLF + 1, false);
  }

  /** The body is complete: the rest is read as rows, an unfinished one being an error. */
  end(): void {
    if (this.held > 0) this.scan(this.held, true);
    this.held = 0;
    this.lastLF = -1;
  }

  private scan(length: number, final: boolean): void {
    // latin1: one char per byte, so the cursor's offsets are offsets into the window's bytes.
    const cursor = new CsvCursor(this.window.toString("latin1", 0, length), this.window, final);
    if (!this.sawHeader) {
      if (!cursor.next()) return this.keep(cursor.offset, length); // no whole row yet (or blank lines only)
      this.sawHeader = true;
      this.handler.header(cursor.allFields());
    }
    cursor.rowNumber = this.rowNumber;
    while (cursor.next()) this.handler.row(cursor);
    this.rowNumber = cursor.rowNumber;
    this.keep(cursor.offset, length);
  }

  /** Drops the bytes read as rows; what is left is an unfinished row, kept for the next scan. */
  private keep(consumed: number, scanned: number): void {
    this.window.copy(this.window, 0, consumed, this.held);
    this.held -= consumed;
    this.lastLF = this.held > 0 ? this.window.lastIndexOf(LF, this.held - 1) : -1;
    // Rescanning an unfinished row at every piece would be quadratic in its length.
    this.retryAt = consumed < scanned ? this.held * 2 : 0;
  }

  private grow(needed: number): void {
    let size = this.window.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.window.copy(bigger, 0, 0, this.held);
    this.window = bigger;
  }
}
