/**
 * Splits a byte stream of JSON into values without parsing it: one top-level value at a time
 * (JSON lines, or objects concatenated with no separator as Firehose writes them), or, for a
 * top-level object with an "events" array (`aws logs filter-log-events` output), each element of that
 * array, so a multi-GB export never has to be held whole. Only the value being scanned is buffered.
 *
 * A file whose first line is a lone "{" or "[" is a pretty-printed document and values may span lines.
 * Any other file is line oriented: a value still open at the end of its line is reported as broken and
 * scanning resumes on the next line, so one truncated line costs one line, not the rest of the file.
 */
export type Scanned =
  | { kind: "value"; text: string; line: number } // a complete top-level value
  | { kind: "line"; text: string; line: number } // a whole line from "{" to "}", not yet checked (fast path)
  | { kind: "item"; text: string; line: number } // an element of a top-level object's "events" array
  | { kind: "error"; line: number; message: string };

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const STREAMED_KEY = "events";
/** Lines up to this long are cut out whole with indexOf instead of being scanned byte by byte. */
const FAST_LINE_MAX = 8 << 20;
/** An audit event is a few KB; a value this big is not one, and holding it would defeat streaming. */
const MAX_VALUE_BYTES = 64 << 20;
/** A store grown past this by one big value is let go once that value is read. */
const RETAINED_STORE_BYTES = 1 << 20;

/** Bytes that end a run of plain string content, and bytes that matter between strings. */
const STRING_STOP = byteSet([QUOTE, BACKSLASH, LF]);
const STRUCTURE_STOP = byteSet([QUOTE, LF, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET]);

function byteSet(bytes: number[]): Uint8Array {
  const set = new Uint8Array(256);
  for (const b of bytes) set[b] = 1;
  return set;
}

function isSpace(b: number): boolean {
  // JSON whitespace, plus the record separator of JSON text sequences (RFC 7464).
  return b === 0x20 || b === 0x09 || b === LF || b === CR || b === 0x1e;
}

export interface ScannerOptions {
  firstLine?: number; // number of the first line (when re-scanning one line of a file)
  lineOriented?: boolean; // known in advance instead of decided by the first line
  fastLines?: boolean; // hand whole "{...}" lines over unchecked (default true); the caller re-scans a line that does not parse
  midFile?: boolean; // the bytes start past a file's first line: no byte order mark is looked for
}

export class JsonScanner {
  // The bytes of a value still open, at the start of `store`: appended to in place, so a value that
  // spans many reads is copied about twice in all, not once per read.
  private store: Buffer = Buffer.alloc(0);
  private held = 0; // bytes of `store` in use
  private pendingScanned = 0; // bytes held already scanned
  private deferred = -1; // start of a line left for the next push, which may bring its end
  private line: number;
  private lineOriented: boolean | undefined; // undecided until the first line ends
  private fastLines: boolean;
  private firstLineStart = ""; // the first two non-blank characters of line 1
  private head: Buffer | null = Buffer.alloc(0); // the first bytes, until a byte order mark is ruled out

  private depth = 0;
  private inString = false;
  private escaped = false;
  private skippingLine = false; // rest of a line that is not JSON
  private valueStart = -1; // index in `pending` of the current top-level value, -1 if none or discarded
  private valueLine = 0;
  private topIsObject = false;
  private keyStart = -1; // the last string at depth 1 (a key, when followed by a value)
  private lastDepth1String = "";
  private streaming = false; // inside the top-level "events" array
  private itemStart = -1;
  private itemLine = 0;

  constructor(options: ScannerOptions = {}) {
    this.line = options.firstLine || 1;
    this.lineOriented = options.lineOriented;
    this.fastLines = options.fastLines !== false;
    if (options.midFile) this.head = null;
  }

  push(data: Buffer): Scanned[] {
    if (this.head) {
      this.head = Buffer.concat([this.head, data]);
      if (this.head.length < 3) return [];
      data = this.stripByteOrderMark();
    }
    const out: Scanned[] = [];
    const inStore = this.held > 0;
    const buf = inStore ? this.appended(data) : data;
    let i = this.pendingScanned;
    const n = buf.length;
    for (; i < n; i++) {
      // Fast paths: most bytes are inside strings or between structural characters.
      if (this.inString && !this.escaped) {
        while (i < n && !STRING_STOP[buf[i]]) i++;
        if (i === n) break;
      } else if (this.depth > 0 && !this.inString && !this.skippingLine) {
        while (i < n && !STRUCTURE_STOP[buf[i]]) i++;
        if (i === n) break;
      }
      const b = buf[i];
      if (this.lineOriented === undefined && this.firstLineStart.length < 2 && !isSpace(b)) {
        this.firstLineStart += String.fromCharCode(b);
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.depth === 1 && this.keyStart >= 0) {
            this.lastDepth1String = buf.toString("utf8", this.keyStart + 1, i);
            this.keyStart = -1;
          }
        } else if (b === LF) {
          this.broken(out, "line break inside a JSON string (truncated line?)");
          this.newLine();
        }
        continue;
      }
      if (b === LF) {
        if (this.skippingLine) this.skippingLine = false;
        else if (this.depth > 0 && this.lineOriented === true) this.broken(out, "JSON value not closed at the end of its line (truncated line?)");
        this.newLine();
        continue;
      }
      if (this.skippingLine) continue;
      if (this.depth === 0) {
        if (isSpace(b)) continue;
        if (b === OPEN_BRACE && this.lineOriented === true && this.fastLines) {
          const lf = buf.indexOf(LF, i);
          if (lf < 0 && n - i <= FAST_LINE_MAX) {
            this.deferred = i;
            break;
          }
          if (lf >= 0 && lf - i <= FAST_LINE_MAX) {
            let end = lf;
            while (end > i && isSpace(buf[end - 1])) end--;
            if (buf[end - 1] === CLOSE_BRACE) {
              out.push({ kind: "line", text: buf.toString("utf8", i, end), line: this.line });
              this.line++;
              i = lf;
              continue;
            }
          }
        }
        if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          this.depth = 1;
          this.valueStart = i;
          this.valueLine = this.line;
          this.topIsObject = b === OPEN_BRACE;
          this.lastDepth1String = "";
        } else {
          out.push({ kind: "error", line: this.line, message: "not JSON (a line must hold a JSON object)" });
          this.skippingLine = true;
        }
        continue;
      }
      if (b === QUOTE) {
        this.inString = true;
        if (this.depth === 1) this.keyStart = i;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (this.depth === 1 && b === OPEN_BRACKET && this.topIsObject && this.lastDepth1String === STREAMED_KEY) {
          this.streaming = true;
          this.valueStart = -1; // the envelope object itself is not kept, only its elements
        } else if (this.streaming && this.depth === 2) {
          this.itemStart = i;
          this.itemLine = this.line;
        }
        this.depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          if (this.valueStart >= 0) out.push({ kind: "value", text: buf.toString("utf8", this.valueStart, i + 1), line: this.valueLine });
          this.valueStart = -1;
          this.streaming = false;
        } else if (this.streaming && this.depth === 2 && this.itemStart >= 0) {
          out.push({ kind: "item", text: buf.toString("utf8", this.itemStart, i + 1), line: this.itemLine });
          this.itemStart = -1;
        } else if (this.streaming && this.depth === 1) {
          this.streaming = false;
        }
      }
    }
    this.keep(buf, inStore);
    if (this.held > MAX_VALUE_BYTES) {
      this.broken(out, `JSON value larger than ${MAX_VALUE_BYTES >> 20} MiB; skipped to the next line`);
      this.skippingLine = true;
      this.release();
    }
    return out;
  }

  /** Call at the end of input: reports a value left open. */
  end(): Scanned[] {
    const out: Scanned[] = this.head ? this.push(this.stripByteOrderMark()) : [];
    if (this.pendingScanned < this.held) {
      // A last line without a line break: scan it byte by byte.
      const rest = Buffer.from(this.store.subarray(0, this.held));
      this.release();
      this.fastLines = false;
      out.push(...this.push(rest));
    }
    if (this.depth > 0 || this.inString) this.broken(out, "input ends inside a JSON value (truncated file?)");
    this.release();
    return out;
  }

  private stripByteOrderMark(): Buffer {
    const head = this.head || Buffer.alloc(0);
    this.head = null;
    return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  }

  /** Whether the file is read a line at a time, each line handed over whole (known after line 1). */
  get linesWhole(): boolean {
    return this.lineOriented === true && this.fastLines;
  }

  /**
   * Whether the lines that follow can be decoded apart: every line is a value of its own, handed over
   * whole, and nothing is left open (a first line may open a value that later lines close).
   */
  get linesApart(): boolean {
    return this.linesWhole && this.depth === 0 && !this.inString && this.held === 0 && this.deferred < 0;
  }

  /** Lines seen so far (the line being read). */
  get currentLine(): number {
    return this.line;
  }

  private newLine(): void {
    if (this.lineOriented === undefined) {
      this.lineOriented = !(this.firstLineStart === "{" || this.firstLineStart === "[");
    }
    this.line++;
  }

  /** Abandons the value being scanned and reports it at the line it started on. */
  private broken(out: Scanned[], message: string): void {
    const line = this.streaming && this.itemStart >= 0 ? this.itemLine : this.valueStart >= 0 ? this.valueLine : this.line;
    out.push({ kind: "error", line, message });
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.valueStart = -1;
    this.itemStart = -1;
    this.streaming = false;
    this.keyStart = -1;
  }

  /** `data` appended to the held bytes; returns all of them. */
  private appended(data: Buffer): Buffer {
    const needed = this.held + data.length;
    if (needed > this.store.length) {
      const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * this.store.length));
      this.store.copy(bigger, 0, 0, this.held);
      this.store = bigger;
    }
    data.copy(this.store, this.held);
    this.held = needed;
    return this.store.subarray(0, needed);
  }

  private release(): void {
    this.store = Buffer.alloc(0);
    this.held = 0;
    this.pendingScanned = 0;
  }

  /**
   * Keeps only the bytes of the value still open (`buf` is the store's bytes when `inStore`, else
   * the caller's), and re-bases the offsets into them.
   */
  private keep(buf: Buffer, inStore: boolean): void {
    let from = buf.length;
    for (const start of [this.valueStart, this.itemStart, this.keyStart, this.deferred]) if (start >= 0 && start < from) from = start;
    const rest = buf.length - from;
    if (rest === 0) {
      this.held = 0;
      if (this.store.length > RETAINED_STORE_BYTES) this.store = Buffer.alloc(0); // after a big value
    } else if (inStore) {
      if (from > 0) this.store.copyWithin(0, from, buf.length);
      this.held = rest;
    } else {
      this.held = 0;
      this.appended(buf.subarray(from));
    }
    this.pendingScanned = (this.deferred >= 0 ? this.deferred : buf.length) - from;
    this.deferred = -1;
    if (this.valueStart >= 0) this.valueStart -= from;
    if (this.itemStart >= 0) this.itemStart -= from;
    if (this.keyStart >= 0) this.keyStart -= from;
  }
}
