/**
 * What the scanner found, decoded into events: the one step that runs either on the reader's own
 * thread or in a decode worker (decode-worker.ts), which records what it would tell the sink and
 * sends that back to be replayed in order (DecodeOp).
 */
import { IndexedEvent } from "./event";
import { DecodeOptions, DecodeSink, InputUsageError, decodeParsed, decodeValue } from "./formats";
import { JsonScanner, Scanned } from "./json-scanner";

/** Receives what the items of a file turned into, each rejection with its line. */
export interface ItemSink {
  event(event: IndexedEvent): void;
  /** `count` events of `source` read but not built; `millis` is the time of the last one. */
  passed(source: string, millis: number, count: number): void;
  reject(line: number, message: string): void;
  skip(reason: string): void;
  warn(reason: string): void;
  /** Called after each item: whether it fit a known format. Returning false stops the decoding. */
  fitted(line: number, fits: boolean): boolean;
}

/** Decodes scanned items in order; false when the sink stopped it. */
export function decodeItems(found: Scanned[], decode: DecodeOptions, sink: ItemSink): boolean {
  let line = 0;
  const lineSink: DecodeSink = {
    event: (event) => sink.event(event),
    passed: (source, millis) => sink.passed(source, millis, 1),
    reject: (message) => sink.reject(line, message),
    skip: (reason) => sink.skip(reason),
    warn: (reason) => sink.warn(reason),
  };
  for (const item of found) {
    line = item.line;
    let fits: boolean;
    if (item.kind === "error") {
      sink.reject(item.line, item.message);
      fits = false;
    } else if (item.kind === "line") {
      let value: unknown;
      try {
        value = JSON.parse(item.text);
      } catch {
        // Not one JSON value: scan the line byte by byte, which splits concatenated objects and
        // says what is wrong with a broken one. Its own items count as fitting or not.
        const scanner = new JsonScanner({ firstLine: item.line, lineOriented: true, fastLines: false, midFile: true });
        if (!decodeItems([...scanner.push(Buffer.from(`${item.text}\n`)), ...scanner.end()], decode, sink)) return false;
        continue;
      }
      fits = decodeParsed(value, item.text, false, decode, lineSink) !== undefined;
    } else {
      fits = decodeValue(item.text, item.kind === "item", decode, lineSink) !== undefined;
    }
    if (!sink.fitted(item.line, fits)) return false;
  }
  return true;
}

/** One thing a decode worker told its sink, replayed in order by the reader. */
export type DecodeOp =
  | ["event", IndexedEvent]
  | ["passed", string, number, number] // source, the last one's millis, how many in a row
  | ["reject", number, string]
  | ["skip", string]
  | ["warn", string]
  | ["fitted", number, boolean]
  | ["usage", string]; // an InputUsageError: the decoding stopped there

/** An ItemSink that records; consecutive passed events of one source become one op. */
export function recordItems(ops: DecodeOp[]): ItemSink {
  let fittedOnce = false;
  return {
    event: (event) => void ops.push(["event", event]),
    passed: (source, millis, count) => {
      const last = ops[ops.length - 1];
      if (last !== undefined && last[0] === "passed" && last[1] === source) {
        last[2] = millis;
        last[3] += count;
      } else {
        ops.push(["passed", source, millis, count]);
      }
    },
    reject: (line, message) => void ops.push(["reject", line, message]),
    skip: (reason) => void ops.push(["skip", reason]),
    warn: (reason) => void ops.push(["warn", reason]),
    fitted: (line, fits) => {
      // The reader needs each item that fits none, and whether one fits at all.
      if (!fits || !fittedOnce) ops.push(["fitted", line, fits]);
      fittedOnce = fittedOnce || fits;
      return true;
    },
  };
}

/** Replays recorded ops; false when the sink stopped, and an InputUsageError is thrown again. */
export function replayItems(ops: DecodeOp[], sink: ItemSink): boolean {
  for (const op of ops) {
    switch (op[0]) {
      case "event":
        sink.event(op[1]);
        break;
      case "passed":
        sink.passed(op[1], op[2], op[3]);
        break;
      case "reject":
        sink.reject(op[1], op[2]);
        break;
      case "skip":
        sink.skip(op[1]);
        break;
      case "warn":
        sink.warn(op[1]);
        break;
      case "fitted":
        if (!sink.fitted(op[1], op[2])) return false;
        break;
      case "usage":
        throw new InputUsageError(op[1]);
    }
  }
  return true;
}
