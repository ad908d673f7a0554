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
 * Groups the event batches into execute bodies of at most maxRows rows. A full chunk goes out only
 * once another event exists, so `finished` is exact; no events at all give one header-only chunk.
 * With a fixed projection each event becomes its CSV line at once, so a chunk holds lines, not events.
 */
export async function* executeBodies(batches: AsyncIterable<IndexedEvent[]>, projection: Projection, maxRows: number): AsyncGenerator<ExecuteBody> {
  const fixed = projection.fields;
  const withIdx = projection.chunkedIdx;
  const header = fixed ? csvHeader(withIdx ? fixed.concat("_chunked_idx") : fixed) : "";
  let lines: string[] = [];
  let events: IndexedEvent[] = [];
  const size = () => (fixed ? lines.length : events.length);
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
    events = [];
    return { body: text, rows, finished };
  };
  for await (const batch of batches) {
    for (const event of batch) {
      if (size() === maxRows) yield flush(false);
      if (fixed) lines.push(lineOf(event, fixed, lines.length));
      else events.push(event);
    }
  }
  yield flush(true);
}
