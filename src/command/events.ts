/**
 * Reads AuditEvents out of decoded rows. Column positions are resolved once per chunk (splunkd
 * may send different fields in different chunks), then each row becomes one fixed-shape object.
 */
import { AuditEvent, FieldValue, SPLUNK_FIELD } from "../detection/event";
import { Cell } from "../scp/types";

export type EventKey = keyof AuditEvent;
export const EVENT_KEYS = Object.keys(SPLUNK_FIELD) as EventKey[];
/** The Splunk fields the detection reads, in a stable order (our required_fields). */
export const EVENT_FIELDS: string[] = EVENT_KEYS.map((key) => SPLUNK_FIELD[key]);

export type EventReader = (row: Cell[]) => AuditEvent;

export function eventReader(fields: string[]): EventReader {
  const at = (key: EventKey) => fields.indexOf(SPLUNK_FIELD[key]);
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
  return (row) => ({
    time: cell(row, time),
    username: cell(row, username),
    groups: cell(row, groups),
    verb: cell(row, verb),
    resource: cell(row, resource),
    requestURI: cell(row, requestURI),
    source: cell(row, source),
    sourceIPs: cell(row, sourceIPs),
    reason: cell(row, reason),
    code: cell(row, code),
    userAgent: cell(row, userAgent),
    decision: cell(row, decision),
  });
}

function cell(row: Cell[], index: number): FieldValue {
  return index < 0 ? "" : row[index];
}
