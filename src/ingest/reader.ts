/**
 * Reads the inputs of `hunt` lazily, one buffer at a time (files, or "-" for stdin; gzip recognised by
 * its magic bytes, whatever the name), and yields the indexed events of each buffer. Memory stays flat:
 * only the JSON value being scanned and the events of the current buffer are held.
 */
import { createReadStream, statSync } from "node:fs";
import { IndexedEvent } from "./event";
import { FieldSelection } from "./flatten";
import { gunzipAll } from "./gunzip";
import { DecodePool, DecodeWorkerError } from "./decode-pool";
import { PieceOptions, toDecodeOptions } from "./piece-decoder";
import { DecodeOptions, FORMAT_HELP, InputUsageError } from "./formats";
import { DecodeOp, ItemSink, decodeItems, replayItems } from "./items";
import { JsonScanner } from "./json-scanner";
import { LineCutter } from "./line-cutter";
import { InputReport } from "./report";
import { TimeAssigner } from "./time-assigner";

export interface ReadOptions {
  region: string;
  source?: string;
  logGroup?: string;
  logStream?: string;
  selection: FieldSelection;
  /**
   * Count, without building them, the events no search of ekspodscan can match (the pre-filter,
   * DecodeOptions.mayMatch): for stats and filter. Unset builds every event (annotate returns them all).
   */
  podScansOnly?: boolean;
  /** Stops the reading after the chunk under way (the events are no longer wanted). */
  signal?: AbortSignal;
  /** Decode line-oriented inputs on worker threads running this script (decode-worker.ts); unset: on this one. */
  decodeWorkers?: { script: string; count: number };
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
  const workers = options.decodeWorkers;
  const pool = workers && workers.count > 0 ? new DecodePool(workers.script, workers.count) : null;
  try {
    for (const path of paths) {
      if (options.signal && options.signal.aborted) return;
      report.inputs++;
      yield* readOne(path, options, report, counter, times, pool);
    }
  } finally {
    report.timeAssigned += times.assigned;
    if (pool) await pool.close();
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
  pool: DecodePool | null,
): AsyncGenerator<IndexedEvent[]> {
  const file = displayName(path);
  const stream = path === "-" ? options.stdin || process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const scanner = new JsonScanner();
  const pieceOptions: PieceOptions = {
    region: options.region,
    source: options.source,
    logGroup: options.logGroup,
    logStream: options.logStream,
    fileSource: path === "-" ? "stdin" : path,
    fields: options.selection.names,
    podScansOnly: !!options.podScansOnly,
  };
  const decode: DecodeOptions = toDecodeOptions(pieceOptions, options.selection);
  const fileMillis = modifiedMillis(path);
  let recognised = false;
  let unrecognised = 0;
  let batch: IndexedEvent[] = [];
  const sink: ItemSink = {
    event: (event) => {
      report.events++;
      event.time = times.timeOf(event.source, event.time, fileMillis);
      batch.push(event);
    },
    passed: (source, millis, count) => {
      report.events += count;
      times.note(source, millis);
    },
    reject: (line, message) => report.reject(file, line, message),
    skip: (reason) => report.skip(reason),
    warn: (reason) => report.warn(reason),
    fitted: (line, fits) => {
      if (fits) {
        recognised = true;
      } else if (!recognised && ++unrecognised >= UNRECOGNISED_LIMIT) {
        report.fail(file, line, `stopped reading: no record fits a known format; ${FORMAT_HELP}`);
        return false;
      }
      return true;
    },
  };

  // With a pool, once the scanner has found the file line-oriented and stands between lines, the rest
  // is cut into pieces of whole lines for the pool, their ops replayed in order, a few pieces ahead at
  // most. Until then the scanner reads every byte as it comes, so a file with no line feed still streams.
  const cutter = new LineCutter();
  const inFlight: Promise<DecodeOp[]>[] = [];
  let apart = false;
  const replayOldest = async () => replayItems(await (inFlight.shift() as Promise<DecodeOp[]>), sink);
  const decodePiece = async (bytes: Buffer, firstLine: number): Promise<boolean> => {
    const pending = (pool as DecodePool).decode(bytes, firstLine, pieceOptions);
    pending.catch(() => undefined); // awaited in turn, or dropped when the reading stops first
    inFlight.push(pending);
    while (inFlight.length >= (pool as DecodePool).depth) if (!(await replayOldest())) return false;
    return true;
  };
  /** Decodes what a chunk completes; false when the file turned out not to be an export at all. */
  const take = async (chunk: Buffer): Promise<boolean> => {
    if (!apart && pool !== null && scanner.linesWhole) {
      // Finish the line under way on this thread; past it, the lines may go apart.
      const lf = chunk.indexOf(0x0a);
      if (lf >= 0) {
        if (!decodeItems(scanner.push(chunk.subarray(0, lf + 1)), decode, sink)) return false;
        chunk = chunk.subarray(lf + 1);
        if (scanner.linesApart) {
          apart = true;
          cutter.nextLine = scanner.currentLine;
        }
      }
    }
    if (!apart) return decodeItems(scanner.push(chunk), decode, sink);
    const piece = cutter.cut(chunk);
    return piece === null || decodePiece(piece.bytes, piece.firstLine);
  };
  const drain = async (): Promise<boolean> => {
    while (inFlight.length > 0) if (!(await replayOldest())) return false;
    return true;
  };

  const replay = path === "-" ? undefined : () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
  const bytes = contentBytes(rawBytes(stream, counter), replay);
  try {
    for await (const chunk of bytes) {
      if (options.signal && options.signal.aborted) return;
      if (!(await take(chunk))) return;
      report.progress(counter.bytes);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    if (apart) {
      const rest = cutter.rest();
      if (rest && !(await decodePiece(rest.bytes, rest.firstLine))) return;
      if (!(await drain())) return;
    } else {
      decodeItems(scanner.end(), decode, sink);
    }
  } catch (err) {
    if (err instanceof InputUsageError || err instanceof DecodeWorkerError) throw err;
    // What was read before the error stands: the pieces already sent are decoded first.
    if (apart && !(await drain())) return;
    if (batch.length > 0) yield batch;
    report.fail(file, apart ? cutter.nextLine : scanner.currentLine, describeReadError(err));
    return;
  } finally {
    if (path !== "-" && "destroy" in stream) (stream as { destroy(): void }).destroy();
  }
  if (batch.length > 0) yield batch;
}
