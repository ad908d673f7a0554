/**
 * Events to execute-chunk bodies, as splunkd builds them: only the fields the command needs (with
 * `_chunked_idx` 0..n-1 when the command itself declared required_fields), at most maxresultrows rows
 * per chunk, and the last chunk marked finished.
 */
import { Cell } from "../scp/types";
import { IndexedEvent } from "../ingest/event";
import { FieldSelection } from "../ingest/flatten";
import { csvHeader, csvRow } from "./splunkd-csv";

export interface Projection {
  fields: string[] | null; // null: every field of every event
  chunkedIdx: boolean;
}

export interface ExecuteBody {
  body: string;
  rows: number;
  finished: boolean;
}

/** Fields an indexed event has besides those extracted from _raw. */
const INDEXED_FIELDS: { [name: string]: (event: IndexedEvent) => string } = {
  _time: (e) => e.time,
  _raw: (e) => e.raw,
  source: (e) => e.source,
  sourcetype: (e) => e.sourcetype,
};
const INDEXED_ORDER = ["_time", "source", "sourcetype", "_raw"];

export function selectionFor(projection: Projection): FieldSelection {
  return projection.fields === null ? FieldSelection.all() : FieldSelection.only(projection.fields);
}

export function cellOf(event: IndexedEvent, field: string): Cell {
  const indexed = INDEXED_FIELDS[field];
  if (indexed) return indexed(event);
  const values = event.fields.get(field);
  if (!values || values.length === 0) return "";
  return values.length === 1 ? values[0] : values;
}

/** Fields of a chunk in the every-field case: the indexed ones, then extracted ones in first-seen order. */
function allFields(events: IndexedEvent[]): string[] {
  const seen = new Set(INDEXED_ORDER);
  const fields = INDEXED_ORDER.slice();
  for (const event of events) {
    for (const name of event.fields.keys()) {
      if (!seen.has(name)) {
        seen.add(name);
        fields.push(name);
      }
    }
  }
  return fields;
}

/**
 * A chunk also goes out once its rows hold this many bytes of CSV: splunkd sends what the search has
 * found as it goes, and a command sent everything at the end works only after all the reading. (hunt
 * over make-sample --repeat 60: 1 MB of matching rows, which the map phase then took 160 ms to answer
 * and the reduce phase 160-200 ms more, both starting cold, after 1.8-2.1 s of reading.)
 */
export const CHUNK_BODY_BYTES = 256 << 10;

/**
 * Groups the event batches into execute bodies of at most maxRows rows (or CHUNK_BODY_BYTES). A full
 * chunk goes out only once another event exists, so `finished` is exact; no events at all give one
 * header-only chunk. With a fixed projection each event becomes its CSV line at once, so a chunk
 * holds lines, not events.
 */
export async function* executeBodies(batches: AsyncIterable<IndexedEvent[]>, projection: Projection, maxRows: number): AsyncGenerator<ExecuteBody> {
  const fixed = projection.fields;
  const withIdx = projection.chunkedIdx;
  const header = fixed ? csvHeader(withIdx ? fixed.concat("_chunked_idx") : fixed) : "";
  let lines: string[] = [];
  let lineBytes = 0; // the UTF-16 length of `lines`: close enough to their bytes for a threshold
  let events: IndexedEvent[] = [];
  const full = () => (fixed ? lines.length === maxRows || lineBytes >= CHUNK_BODY_BYTES : events.length === maxRows);
  const lineOf = (event: IndexedEvent, fields: string[], index: number) => {
    const cells: Cell[] = fields.map((field) => cellOf(event, field));
    if (withIdx) cells.push(String(index));
    return csvRow(cells);
  };
  const flush = (finished: boolean): ExecuteBody => {
    let text: string;
    let rows: number;
    if (fixed) {
      text = header + "\n" + lines.map((line) => line + "\n").join("");
      rows = lines.length;
    } else {
      const fields = allFields(events);
      text = csvHeader(withIdx ? fields.concat("_chunked_idx") : fields) + "\n" + events.map((event, i) => lineOf(event, fields, i) + "\n").join("");
      rows = events.length;
    }
    lines = [];
    lineBytes = 0;
    events = [];
    return { body: text, rows, finished };
  };
  for await (const batch of batches) {
    for (const event of batch) {
      if (full()) yield flush(false);
      if (fixed) {
        const line = lineOf(event, fixed, lines.length);
        lines.push(line);
        lineBytes += line.length;
      } else {
        events.push(event);
      }
    }
  }
  yield flush(true);
}
