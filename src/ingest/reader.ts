/**
 * Reads the inputs of `hunt` lazily, one buffer at a time (files, or "-" for stdin; gzip recognised by
 * its magic bytes, whatever the name), and yields the indexed events of each buffer. Memory stays flat:
 * only the JSON value being scanned and the events of the current buffer are held.
 */
import { createReadStream, statSync } from "node:fs";
import { IndexedEvent } from "./event";
import { FieldSelection } from "./flatten";
import { gunzipAll } from "./gunzip";
import { DecodeOptions, FORMAT_HELP, InputUsageError, decodeParsed, decodeValue } from "./formats";
import { JsonScanner, Scanned } from "./json-scanner";
import { InputReport } from "./report";
import { TimeAssigner } from "./time-assigner";

export interface ReadOptions {
  region: string;
  source?: string;
  logGroup?: string;
  logStream?: string;
  selection: FieldSelection;
  /** See DecodeOptions.mayMatch; unset reads every event whole (annotate mode returns them all). */
  mayMatch?: (message: string) => boolean;
  now?: () => number; // the current time, for events with no time of their own read from stdin
  stdin?: NodeJS.ReadableStream; // "-" reads this (process.stdin by default)
}

/** After this many values that fit no format and none that does, the file is not an export at all. */
const UNRECOGNISED_LIMIT = 20;
const READ_CHUNK_BYTES = 1 << 20;

export function displayName(path: string): string {
  return path === "-" ? "<stdin>" : path;
}

/** Raw bytes of one input, counting what was read for the progress line. */
async function* rawBytes(stream: NodeJS.ReadableStream, counter: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    counter.bytes += buffer.length;
    yield buffer;
  }
}

/**
 * The decompressed bytes of an input: gunzipped when it starts with the gzip magic bytes. `replay`
 * reads the raw bytes again (files), which lets gunzip recover what zlib drops at an error.
 */
async function* contentBytes(raw: AsyncGenerator<Buffer>, replay?: () => AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // A pipe may deliver the two magic bytes in separate reads.
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await raw.next();
    if (next.done) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return;
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield head;
    yield* raw;
    return;
  }
  async function* compressed() {
    yield head;
    yield* raw;
  }
  yield* gunzipAll(compressed(), replay);
}

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === "Z_BUF_ERROR") return "truncated gzip: the input ends inside compressed data";
  if (e && typeof e.code === "string" && e.code.indexOf("Z_") === 0) return `corrupt gzip (${e.message})`;
  return `cannot read: ${e && e.message ? e.message : String(err)}`;
}

export async function* readEvents(paths: string[], options: ReadOptions, report: InputReport): AsyncGenerator<IndexedEvent[]> {
  const counter = { bytes: 0 };
  const times = new TimeAssigner(options.now);
  try {
    for (const path of paths) {
      report.inputs++;
      yield* readOne(path, options, report, counter, times);
    }
  } finally {
    report.timeAssigned += times.assigned;
  }
}

/** The modification time of an input file, the time Splunk gives its events that carry none. */
function modifiedMillis(path: string): number | undefined {
  if (path === "-") return undefined;
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

async function* readOne(
  path: string,
  options: ReadOptions,
  report: InputReport,
  counter: { bytes: number },
  times: TimeAssigner,
): AsyncGenerator<IndexedEvent[]> {
  const file = displayName(path);
  const stream = path === "-" ? options.stdin || process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const scanner = new JsonScanner();
  const decode: DecodeOptions = {
    region: options.region,
    source: options.source,
    logGroup: options.logGroup,
    logStream: options.logStream,
    fileSource: path === "-" ? "stdin" : path,
    selection: options.selection,
    mayMatch: options.mayMatch,
  };
  const fileMillis = modifiedMillis(path);
  let recognised = false;
  let unrecognised = 0;
  let batch: IndexedEvent[] = [];
  let line = 0;
  const sink = {
    event: (event: IndexedEvent) => {
      report.events++;
      event.time = times.timeOf(event.source, event.time, fileMillis);
      batch.push(event);
    },
    passed: (source: string, millis: number) => {
      report.events++;
      times.note(source, millis);
    },
    reject: (message: string) => report.reject(file, line, message),
    skip: (reason: string) => report.skip(reason),
    warn: (reason: string) => report.warn(reason),
  };

  const decodeLine = (text: string, lineNumber: number): boolean => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not one JSON value: scan the line byte by byte, which splits concatenated objects and
      // says what is wrong with a broken one.
      const scanner = new JsonScanner({ firstLine: lineNumber, lineOriented: true, fastLines: false });
      return take([...scanner.push(Buffer.from(`${text}\n`)), ...scanner.end()]);
    }
    return decodeParsed(value, text, false, decode, sink) !== undefined;
  };

  /** Decodes what the scanner found; false when the file turned out not to be an export at all. */
  const take = (found: Scanned[]): boolean => {
    for (const item of found) {
      line = item.line;
      let fits: boolean;
      if (item.kind === "error") {
        report.reject(file, item.line, item.message);
        fits = false;
      } else if (item.kind === "line") {
        fits = decodeLine(item.text, item.line);
      } else {
        fits = decodeValue(item.text, item.kind === "item", decode, sink) !== undefined;
      }
      if (fits) {
        recognised = true;
      } else if (!recognised && ++unrecognised >= UNRECOGNISED_LIMIT) {
        report.fail(file, item.line, `stopped reading: no record fits a known format; ${FORMAT_HELP}`);
        return false;
      }
    }
    return true;
  };

  const replay = path === "-" ? undefined : () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
  const bytes = contentBytes(rawBytes(stream, counter), replay);
  try {
    for await (const chunk of bytes) {
      if (!take(scanner.push(chunk))) return;
      report.progress(counter.bytes);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof InputUsageError) throw err;
    if (batch.length > 0) yield batch;
    report.fail(file, scanner.currentLine, describeReadError(err));
    return;
  } finally {
    if (path !== "-" && "destroy" in stream) (stream as { destroy(): void }).destroy();
  }
  take(scanner.end());
  if (batch.length > 0) yield batch;
}
