/**
 * An event as Splunk would have indexed it from an EKS audit log line: the Splunk Add-on for AWS's
 * CloudWatch Logs input sets time = CloudWatch timestamp / 1000, source = "{region}:{log_group}:{stream}",
 * sourcetype = the input's (aws:cloudwatchlogs:eks), _raw = the log message; fields come from JSON
 * extraction of _raw at search time.
 */
import { FieldMap, FieldSelection, flattenJson } from "./flatten";

export const EKS_SOURCETYPE = "aws:cloudwatchlogs:eks";

export interface IndexedEvent {
  time: string; // _time: epoch seconds as Splunk writes it, e.g. "1701960293.358"
  source: string;
  sourcetype: string;
  raw: string; // _raw
  fields: FieldMap; // search-time JSON extraction of _raw
}

/** Where an event came from, for messages about it. */
export interface Origin {
  file: string;
  line: number;
}

/** _time from a CloudWatch timestamp (epoch milliseconds). */
export function timeFromEpochMillis(millis: number): string {
  const whole = Math.floor(millis);
  const seconds = Math.floor(whole / 1000);
  const ms = whole - seconds * 1000;
  return ms === 0 ? String(seconds) : `${seconds}.${String(ms).padStart(3, "0")}`;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|UTC|GMT|[+-]\d\d:?\d\d)$/i;

/**
 * _time from an RFC 3339 timestamp (requestReceivedTimestamp, microsecond precision), keeping up to
 * six fractional digits as Splunk's timestamp extraction does. Undefined when it is not one.
 */
export function timeFromRfc3339(text: string): string | undefined {
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  let seconds = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second) / 1000;
  if (Number.isNaN(seconds)) return undefined;
  if (/^[+-]/.test(zone)) {
    const digits = zone.replace(":", "");
    const offset = (+digits.slice(1, 3) * 60 + +digits.slice(3, 5)) * 60;
    seconds += digits[0] === "+" ? -offset : offset;
  }
  const micros = (fraction || "").slice(0, 6).replace(/0+$/, "");
  return micros === "" ? String(seconds) : `${seconds}.${micros}`;
}

/** _time given as epoch seconds text ("1701960293.358"), as Splunk's exports may carry it. */
export function timeFromEpochText(text: string): string | undefined {
  return /^\d+(\.\d+)?$/.test(text.trim()) ? text.trim() : undefined;
}

/** The `source` the Splunk Add-on for AWS gives CloudWatch Logs events. */
export function cloudWatchSource(region: string, logGroup: string, logStream: string): string {
  return `${region}:${logGroup}:${logStream}`;
}

/** The log stream of such a source: what follows its last ':' ("" for a source without one). */
export function cloudWatchStream(source: string): string {
  const colon = source.lastIndexOf(":");
  return colon < 0 ? "" : source.slice(colon + 1);
}

/** Why an audit log message cannot be an event, or undefined when it can. */
export function auditEventProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "not a JSON object";
  const event = body as { [key: string]: unknown };
  const missing = ["kind", "verb", "requestURI", "user"].filter((key) => event[key] === undefined);
  if (missing.length > 0) return `not a Kubernetes audit event (no ${missing.join(", ")})`;
  if (event.kind !== "Event") return `not a Kubernetes audit event (kind ${JSON.stringify(event.kind)})`;
  return undefined;
}

export function isAuditEvent(body: unknown): boolean {
  return auditEventProblem(body) === undefined;
}

export function makeEvent(
  raw: string,
  body: unknown,
  time: string,
  source: string,
  selection: FieldSelection,
  sourcetype = EKS_SOURCETYPE,
): IndexedEvent {
  return { time, source, sourcetype, raw, fields: flattenJson(body, selection) };
}
