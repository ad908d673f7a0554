/**
 * mode=annotate|filter over a body as it arrives: each row is decoded, matched, annotated and
 * encoded before the next is read (CsvRowStream), so no body is ever held whole, as a string or
 * as cells; what is held is the reply, as bytes (CsvBodyBuilder), which must be complete before
 * its length can be sent; past a threshold, in a temporary file (SpillOptions). The reply is byte
 * for byte what decoding the whole body, annotating the Table and encoding it gives (held to that by test/command-annotate-stream.test.ts).
 */
import { matcherFor } from "../detection/match";
import { ENRICH_COLUMNS } from "../detection/stats";
import { ANNOTATE_COLUMNS, annotateEvent } from "../detection/annotate";
import { TableRowReader } from "../scp/csv";
import { CsvBodyBuilder } from "../scp/csv-body";
import { CsvRowHandler, CsvRowStream } from "../scp/csv-stream";
import { SpillOptions } from "../scp/reply-spill";
import { BodyReceiver } from "../scp/session";
import { rowEventReader } from "./events";
import { Options } from "./options";

export function annotateReceiver(options: Options, spill: SpillOptions | null = null): BodyReceiver {
  const added = options.enrich ? ANNOTATE_COLUMNS.concat(ENRICH_COLUMNS) : ANNOTATE_COLUMNS.slice();
  const matches = matcherFor(options.match);
  const filter = options.mode === "filter";
  let body: CsvBodyBuilder | null = null;
  let reader = new TableRowReader([]);
  let slots: number[] = [];
  let eventOf = rowEventReader([]);

  const handler: CsvRowHandler = {
    header(names) {
      reader = new TableRowReader(names);
      const fields = reader.fields.slice();
      // An added field already there is overwritten in its place, as every other is appended.
      slots = added.map((name) => {
        const existing = fields.indexOf(name);
        return existing >= 0 ? existing : fields.push(name) - 1;
      });
      // Only fields with a twin in the input can hold a multivalue, and the added ones.
      const mayHaveTwin = fields.map((_, i) => i < reader.hasTwin.length && reader.hasTwin[i]);
      for (const slot of slots) mayHaveTwin[slot] = true;
      eventOf = rowEventReader(reader.fields);
      body = new CsvBodyBuilder(fields, mayHaveTwin, undefined, spill);
    },
    row(cursor) {
      const row = reader.read(cursor);
      const event = eventOf(row);
      const matched = matches(event);
      if (!matched && filter) return;
      const values = annotateEvent(event, matched, options.enrich);
      for (let i = 0; i < slots.length; i++) row[slots[i]] = values[i];
      (body as CsvBodyBuilder).add(row);
    },
  };
  const rows = new CsvRowStream(handler);
  return {
    write: (part) => rows.write(part),
    end: () => {
      rows.end();
      if (body === null) handler.header([]); // an empty body: the added fields' header alone
      return { body: (body as unknown as CsvBodyBuilder).end() };
    },
  };
}
