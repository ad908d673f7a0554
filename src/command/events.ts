/**
 * Reads AuditEvents out of CSV rows. Column positions are resolved once per chunk (splunkd may send
 * different fields in different chunks); each row then becomes one fixed-shape object holding only
 * the fields the detection reads.
 */
import { AuditEvent, SPLUNK_FIELD, auditEvent } from "../detection/event";
import { Cell } from "../scp/types";
import { CsvCursor, FieldColumns, fieldColumns, readCell } from "../scp/csv-cursor";

export type EventKey = keyof AuditEvent;
export const EVENT_KEYS = Object.keys(SPLUNK_FIELD) as EventKey[];
/** The Splunk fields the detection reads, in a stable order. */
export const EVENT_FIELDS: string[] = EVENT_KEYS.map((key) => SPLUNK_FIELD[key]);

/** Returns a reader of the cursor's current row. */
export function eventReader(cursor: CsvCursor): () => AuditEvent {
  const at = (key: EventKey): FieldColumns => fieldColumns(cursor.header, SPLUNK_FIELD[key]);
  const time = at("time");
  const username = at("username");
  const groups = at("groups");
  const verb = at("verb");
  const resource = at("resource");
  const requestURI = at("requestURI");
  const source = at("source");
  const sourceIPs = at("sourceIPs");
  const reason = at("reason");
  const code = at("code");
  const userAgent = at("userAgent");
  const decision = at("decision");
  return () => ({
    time: readCell(cursor, time),
    username: readCell(cursor, username),
    groups: readCell(cursor, groups),
    verb: readCell(cursor, verb),
    resource: readCell(cursor, resource),
    requestURI: readCell(cursor, requestURI),
    source: readCell(cursor, source),
    sourceIPs: readCell(cursor, sourceIPs),
    reason: readCell(cursor, reason),
    code: readCell(cursor, code),
    userAgent: readCell(cursor, userAgent),
    decision: readCell(cursor, decision),
  });
}

/** Returns a reader of decoded rows with the given fields (for modes that return whole events). */
export function rowEventReader(fields: string[]): (row: Cell[]) => AuditEvent {
  const columns = EVENT_KEYS.map((key) => fields.indexOf(SPLUNK_FIELD[key]));
  return (row) => {
    const present: Partial<AuditEvent> = {};
    for (let i = 0; i < EVENT_KEYS.length; i++) if (columns[i] >= 0) present[EVENT_KEYS[i]] = row[columns[i]];
    return auditEvent(present);
  };
}
