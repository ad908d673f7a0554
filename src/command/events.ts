/**
 * Reads AuditEvents out of CSV rows. Column positions are resolved once per body, from its header
 * (splunkd may send different fields in different chunks); each row then becomes one fixed-shape
 * object holding only the fields the detection reads.
 */
import { AuditEvent, SPLUNK_FIELD, auditEvent } from "../detection/event";
import { Term } from "../detection/match";
import { Cell } from "../scp/types";
import { CsvCursor, FieldColumns, fieldColumns, readCell } from "../scp/csv-cursor";
import { ValueCache } from "../scp/value-cache";

export type EventKey = keyof AuditEvent;
export const EVENT_KEYS = Object.keys(SPLUNK_FIELD) as EventKey[];
/** The Splunk fields the detection reads, in a stable order. */
export const EVENT_FIELDS: string[] = EVENT_KEYS.map((key) => SPLUNK_FIELD[key]);

/**
 * Reads the current row of a cursor as an AuditEvent. Every field but _time repeats a handful of
 * values across events, so each reads through a ValueCache kept for the whole search.
 */
export class EventReader {
  private readonly caches: { [K in CachedKey]: ValueCache } = cachesFor(CACHED_KEYS);
  private columns: { [K in EventKey]: FieldColumns } = columnsFor([]);
  private readonly event: AuditEvent = auditEvent({});

  /** A new body: resolves its columns. */
  setHeader(header: string[]): void {
    this.columns = columnsFor(header);
  }

  /**
   * The row as an event. The same object is refilled by every read (the detection keeps values,
   * never the event), which spares the young generation one object per matching row.
   */
  read(cursor: CsvCursor): AuditEvent {
    const c = this.columns;
    const k = this.caches;
    const ev = this.event;
    ev.time = readCell(cursor, c.time);
    ev.username = readCell(cursor, c.username, k.username);
    ev.groups = readCell(cursor, c.groups, k.groups);
    ev.verb = readCell(cursor, c.verb, k.verb);
    ev.resource = readCell(cursor, c.resource, k.resource);
    ev.requestURI = readCell(cursor, c.requestURI, k.requestURI);
    ev.source = readCell(cursor, c.source, k.source);
    ev.sourceIPs = readCell(cursor, c.sourceIPs, k.sourceIPs);
    ev.reason = readCell(cursor, c.reason, k.reason);
    ev.code = readCell(cursor, c.code, k.code);
    ev.userAgent = readCell(cursor, c.userAgent, k.userAgent);
    ev.decision = readCell(cursor, c.decision, k.decision);
    return ev;
  }
}

/**
 * What the terms say of a row: "out" when a term's field is missing, or a single value equal to
 * none of its literals; "met" when every term's field is a single value equal to one; "unsure"
 * when a multivalue leaves a term to the matcher.
 */
export type TermVerdict = "out" | "met" | "unsure";

/** Checks the terms on a row in place, making no strings. */
export function termFilter(terms: readonly Term[], header: string[]): (cursor: CsvCursor) => TermVerdict {
  const checks = terms.map((term) => ({ columns: fieldColumns(header, SPLUNK_FIELD[term.field]), anyOf: term.anyOf }));
  if (checks.some((check) => check.columns.plain < 0 && check.columns.twin < 0)) return () => "out";
  return (cursor) => {
    let verdict: TermVerdict = "met";
    for (let i = 0; i < checks.length; i++) {
      const { columns, anyOf } = checks[i];
      if (columns.twin >= 0 && !cursor.isEmpty(columns.twin)) {
        verdict = "unsure";
        continue;
      }
      if (columns.plain < 0) return "out";
      let met = false;
      for (let j = 0; j < anyOf.length && !met; j++) met = cursor.equalsFolded(columns.plain, anyOf[j]);
      if (!met) return "out";
    }
    return verdict;
  };
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

function columnsFor(header: string[]): { [K in EventKey]: FieldColumns } {
  const columns = {} as { [K in EventKey]: FieldColumns };
  for (const key of EVENT_KEYS) columns[key] = fieldColumns(header, SPLUNK_FIELD[key]);
  return columns;
}

/** Every field but _time, which is unique to each event. */
type CachedKey = Exclude<EventKey, "time">;
const CACHED_KEYS = EVENT_KEYS.filter((key): key is CachedKey => key !== "time");

function cachesFor(keys: CachedKey[]): { [K in CachedKey]: ValueCache } {
  const caches = {} as { [K in CachedKey]: ValueCache };
  for (const key of keys) caches[key] = new ValueCache();
  return caches;
}
