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

/**
 * An audit timestamp: RFC 3339 (`T`, 0-9 fractional digits, `Z` or an offset), or the same with a
 * space and optionally no zone (Panther's `2022-11-29 00:09:04.38`, read as UTC) or a zone name.
 */
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?|[ ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?)(?:([Zz])|([+-])(\d\d):?(\d\d)|\s*(UTC|GMT))?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * _time from an audit timestamp, keeping up to six fractional digits as Splunk's timestamp
 * extraction does. Undefined when it is none, names no real date or time (OpenShift's and Falco's
 * placeholder `9999-99-99T99:99:99.999999Z`: month 99 does not exist, so Splunk finds no time in
 * it either) or falls before 1970.
 */
export function timeFromTimestamp(text: string): string | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const spaced = m[4] === undefined;
  const zoned = m[12] !== undefined || m[13] !== undefined || m[16] !== undefined;
  if (!spaced && !zoned) return undefined; // RFC 3339 always names its zone
  const [year, month, day] = [+m[1], +m[2], +m[3]];
  if (year < 1970) return undefined;
  const [hour, minute, second] = spaced ? [+m[8], +m[9], +m[10]] : [+m[4], +m[5], +m[6]];
  const fraction = (spaced ? m[11] : m[7]) || "";
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined; // 60: a leap second, as RFC 3339 allows
  let seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  if (m[13] !== undefined) {
    const [offsetHours, offsetMinutes] = [+m[14], +m[15]];
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60;
    seconds += m[13] === "+" ? -offset : offset;
  }
  if (seconds < 0) return undefined;
  const micros = fraction.slice(0, 6).replace(/0+$/, "");
  return micros === "" ? String(seconds) : `${seconds}.${micros}`;
}

/**
 * The fields an audit event's time is read from when no CloudWatch timestamp comes with it, first
 * usable one wins: when the API server received the request, when the stage was reached, then the
 * older audit.k8s.io events' `timestamp` and `metadata.creationTimestamp`.
 */
const AUDIT_TIME_FIELDS = ["requestReceivedTimestamp", "stageTimestamp", "timestamp"];

export function auditTime(body: unknown): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const event = body as { [key: string]: unknown };
  for (const field of AUDIT_TIME_FIELDS) {
    const stamp = event[field];
    const time = typeof stamp === "string" ? timeFromTimestamp(stamp) : undefined;
    if (time !== undefined) return time;
  }
  const metadata = event.metadata;
  if (metadata === null || typeof metadata !== "object") return undefined;
  const created = (metadata as { [key: string]: unknown }).creationTimestamp;
  return typeof created === "string" ? timeFromTimestamp(created) : undefined;
}

/** The time of an event that has none yet: the reader assigns one as Splunk does (see TimeAssigner). */
export const NO_TIME = "";

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

/** Splunk indexes any JSON object as an event; one without the audit fields is read and just does not match. */
export function isJsonObject(body: unknown): body is { [key: string]: unknown } {
  return body !== null && typeof body === "object" && !Array.isArray(body);
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
