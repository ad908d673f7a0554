/**
 * The four export formats `hunt` reads, recognised value by value (so concatenated or mixed files work):
 *   cloudwatch  CloudWatch Logs subscription envelopes (Firehose/Lambda): messageType, logGroup, logStream, logEvents[]
 *   aws-cli     `aws logs filter-log-events` / `get-log-events` output: events[{logStreamName, timestamp, message}]
 *   audit       Kubernetes audit events (audit.k8s.io, kind Event), one JSON object per line
 *   splunk      Splunk's JSON export of events: {"result": {"_raw", "_time", "source", ...}} per line
 */
import { FieldSelection } from "./flatten";
import {
  EKS_SOURCETYPE,
  IndexedEvent,
  auditEventProblem,
  cloudWatchSource,
  cloudWatchStream,
  makeEvent,
  timeFromEpochMillis,
  timeFromEpochText,
  timeFromRfc3339,
} from "./event";

export type FormatName = "cloudwatch" | "aws-cli" | "audit" | "splunk";

export const FORMAT_HELP =
  "expected one of: CloudWatch Logs subscription envelopes (messageType, logGroup, logStream, logEvents), " +
  "`aws logs filter-log-events`/`get-log-events` output (events[]), Kubernetes audit events as JSON lines " +
  '(kind: Event, apiVersion: audit.k8s.io/v1), Splunk JSON export lines ({"result":{"_raw":...}})';

export interface DecodeOptions {
  region: string;
  source?: string; // overrides every event's source
  logGroup?: string; // for aws-cli output, which does not name its log group
  fileSource: string; // the source a file monitor would give events read from this file
  selection: FieldSelection;
}

/** Receives what one JSON value turned into. */
export interface DecodeSink {
  event(event: IndexedEvent): void;
  reject(message: string): void;
  skip(reason: string): void;
}

/** A problem with the command line, not with the data (aws-cli output without --log-group). */
export class InputUsageError extends Error {}

type Json = { [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Decodes one scanned value; returns its format, or undefined when it fits none (already rejected). */
export function decodeValue(text: string, isEventsItem: boolean, options: DecodeOptions, sink: DecodeSink): FormatName | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    sink.reject(`not valid JSON (${(err as Error).message})`);
    return undefined;
  }
  return decodeParsed(value, text, isEventsItem, options, sink);
}

/** Decodes a value already parsed from `text`. */
export function decodeParsed(value: unknown, text: string, isEventsItem: boolean, options: DecodeOptions, sink: DecodeSink): FormatName | undefined {
  if (!isObject(value)) {
    sink.reject(`not a JSON object; ${FORMAT_HELP}`);
    return undefined;
  }
  if (isEventsItem) {
    decodeCliEvent(value, options, sink);
    return "aws-cli";
  }
  if ("messageType" in value && "logEvents" in value) {
    decodeEnvelope(value, options, sink);
    return "cloudwatch";
  }
  if ("result" in value || ("preview" in value && "offset" in value) || "lastrow" in value) {
    decodeSplunkExport(value, options, sink);
    return "splunk";
  }
  if ("kind" in value || (typeof value.apiVersion === "string" && value.apiVersion.indexOf("audit.k8s.io/") === 0)) {
    const problem = auditEventProblem(value);
    if (problem) sink.reject(problem);
    else decodeAuditLine(text, value, options, sink);
    return "audit";
  }
  if (Array.isArray(value.events)) {
    // `aws logs` output on one line (e.g. after `jq -c`): the scanner did not stream it.
    for (const item of value.events) {
      if (isObject(item)) decodeCliEvent(item, options, sink);
      else sink.reject("events[]: not an object");
    }
    return "aws-cli";
  }
  sink.reject(`not a recognised record; ${FORMAT_HELP}`);
  return undefined;
}

/** Time of an audit event read without a CloudWatch timestamp: when the API server received it. */
function auditTime(body: Json): string | undefined {
  const stamp = body.requestReceivedTimestamp;
  return typeof stamp === "string" ? timeFromRfc3339(stamp) : undefined;
}

function decodeAuditLine(text: string, body: Json, options: DecodeOptions, sink: DecodeSink): void {
  const time = auditTime(body);
  if (time === undefined) {
    sink.reject("audit event has no valid requestReceivedTimestamp");
    return;
  }
  sink.event(makeEvent(text, body, time, options.source || options.fileSource, options.selection));
}

/** Audit streams hold the audit log; other EKS streams (authenticator, kube-apiserver, ...) hold plain text. */
function isAuditStream(stream: string): boolean {
  return stream.indexOf("kube-apiserver-audit") === 0;
}

/** One CloudWatch log event (message + timestamp) from `stream`, turned into an indexed event. */
function decodeLogMessage(
  message: unknown,
  timestamp: unknown,
  logGroup: string,
  stream: string,
  where: string,
  options: DecodeOptions,
  sink: DecodeSink,
): void {
  if (typeof message !== "string") {
    sink.reject(`${where}: no message`);
    return;
  }
  let body: unknown;
  let problem: string | undefined;
  try {
    body = JSON.parse(message);
    problem = auditEventProblem(body);
  } catch {
    problem = "message is not JSON";
  }
  if (problem) {
    if (isAuditStream(stream)) sink.reject(`${where}: ${problem}`);
    else sink.skip("messages from log streams other than kube-apiserver-audit-*");
    return;
  }
  const time = typeof timestamp === "number" && Number.isFinite(timestamp) ? timeFromEpochMillis(timestamp) : auditTime(body as Json);
  if (time === undefined) {
    sink.reject(`${where}: no timestamp and no valid requestReceivedTimestamp`);
    return;
  }
  const source = options.source || cloudWatchSource(options.region, logGroup, stream);
  sink.event(makeEvent(message, body, time, source, options.selection));
}

function decodeEnvelope(envelope: Json, options: DecodeOptions, sink: DecodeSink): void {
  if (envelope.messageType === "CONTROL_MESSAGE") {
    sink.skip("CloudWatch CONTROL_MESSAGE envelopes");
    return;
  }
  const { logGroup, logStream, logEvents } = envelope;
  if (typeof logGroup !== "string" || typeof logStream !== "string" || !Array.isArray(logEvents)) {
    sink.reject("CloudWatch envelope without logGroup, logStream or logEvents[]");
    return;
  }
  logEvents.forEach((logEvent: unknown, index) => {
    const where = `logEvents[${index}]`;
    if (!isObject(logEvent)) sink.reject(`${where}: not an object`);
    else decodeLogMessage(logEvent.message, logEvent.timestamp, logGroup, logStream, where, options, sink);
  });
}

function decodeCliEvent(item: Json, options: DecodeOptions, sink: DecodeSink): void {
  if (options.logGroup === undefined) {
    throw new InputUsageError("this is `aws logs` output, which does not name its log group: pass --log-group /aws/eks/<cluster>/cluster");
  }
  const stream = typeof item.logStreamName === "string" ? item.logStreamName : "";
  decodeLogMessage(item.message, item.timestamp, options.logGroup, stream, "events[]", options, sink);
}

function decodeSplunkExport(line: Json, options: DecodeOptions, sink: DecodeSink): void {
  const result = line.result;
  if (result === undefined) {
    sink.skip("Splunk export lines without a result (messages, last row markers)");
    return;
  }
  if (!isObject(result) || typeof result._raw !== "string") {
    sink.reject("Splunk export result without _raw");
    return;
  }
  // The search starts with `aws_cloudwatchlogs_eks`, sourcetype="aws:cloudwatchlogs:eks": an export
  // of a wider search holds events it never sees.
  if (typeof result.sourcetype === "string" && result.sourcetype !== EKS_SOURCETYPE) {
    sink.skip(`Splunk export events of sourcetypes other than ${EKS_SOURCETYPE}`);
    return;
  }
  const exportedSource = typeof result.source === "string" ? result.source : "";
  let body: unknown;
  let problem: string | undefined;
  try {
    body = JSON.parse(result._raw);
    problem = auditEventProblem(body);
  } catch {
    problem = "not JSON";
  }
  if (problem) {
    // The add-on indexes every stream of the log group under this sourcetype; only the audit
    // streams hold audit events, and the search just does not match the others' lines.
    const stream = cloudWatchStream(exportedSource);
    if (stream !== "" && !isAuditStream(stream)) {
      sink.skip("messages from log streams other than kube-apiserver-audit-*");
    } else {
      sink.reject(`Splunk export _raw: ${problem}`);
    }
    return;
  }
  const exported = typeof result._time === "string" ? result._time : "";
  const time = timeFromEpochText(exported) || timeFromRfc3339(exported) || auditTime(body as Json);
  if (time === undefined) {
    sink.reject("Splunk export result without a usable _time");
    return;
  }
  const source = options.source || exportedSource || options.fileSource;
  sink.event(makeEvent(result._raw, body, time, source, options.selection, EKS_SOURCETYPE));
}
