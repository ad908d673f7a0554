/**
 * The export formats `hunt` reads, recognised value by value (so concatenated or mixed files work):
 *   cloudwatch  CloudWatch Logs subscription envelopes (Firehose): messageType, logGroup, logStream, logEvents[]
 *   lambda      the same as a Lambda receives it: {"awslogs":{"data":"<base64 gzip of an envelope>"}}
 *   aws-cli     `aws logs filter-log-events` / `get-log-events` output: events[{logStreamName?, timestamp, message}]
 *   splunk      Splunk's JSON export of events: {"result": {"_raw", "_time", "source", ...}} per line
 *   audit       any other JSON object: an event as Splunk indexes it (Kubernetes audit events, one per line)
 * A top-level JSON array holds records of these formats. Only what is not JSON or not an object is rejected.
 */
import { gunzipSync } from "node:zlib";
import { FieldSelection } from "./flatten";
import {
  EKS_SOURCETYPE,
  IndexedEvent,
  NO_TIME,
  auditTime,
  cloudWatchSource,
  cloudWatchStream,
  isJsonObject,
  makeEvent,
  timeFromEpochMillis,
  timeFromEpochText,
  timeFromTimestamp,
} from "./event";

export type FormatName = "cloudwatch" | "lambda" | "aws-cli" | "audit" | "splunk";

export const FORMAT_HELP =
  "expected one of: CloudWatch Logs subscription envelopes (messageType, logGroup, logStream, logEvents), " +
  'the Lambda form of them ({"awslogs":{"data":"<base64 gzip>"}}), ' +
  "`aws logs filter-log-events`/`get-log-events` output (events[]), Kubernetes audit events as JSON lines " +
  '(kind: Event, apiVersion: audit.k8s.io/v1), Splunk JSON export lines ({"result":{"_raw":...}})';

export interface DecodeOptions {
  region: string;
  source?: string; // overrides every event's source
  logGroup?: string; // for aws-cli output, which does not name its log group
  logStream?: string; // for get-log-events output, which does not name its log stream
  fileSource: string; // the source a file monitor would give events read from this file
  selection: FieldSelection;
  /** When set: false for a log message no search of the command can match; it is counted, not built. */
  mayMatch?: (message: string) => boolean;
}

/** Receives what one JSON value turned into. */
export interface DecodeSink {
  /** An event; its time is NO_TIME when it carries none (the reader assigns one). */
  event(event: IndexedEvent): void;
  /**
   * An event read but not built, because no search can match it (see DecodeOptions.mayMatch): its
   * CloudWatch time in epoch milliseconds, left as a number since it is needed only when a later event
   * of the same source has no time of its own.
   */
  passed(source: string, millis: number): void;
  reject(message: string): void;
  skip(reason: string): void;
  warn(reason: string): void;
}

/** A problem with the command line, not with the data (aws-cli output without --log-group). */
export class InputUsageError extends Error {}

type Json = { [key: string]: unknown };

const isObject = isJsonObject;

/** A Lambda payload decompresses to one envelope, at most 1 MB as CloudWatch sends it; this bounds a bad one. */
const MAX_LAMBDA_BYTES = 64 << 20;

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
  if (Array.isArray(value) && !isEventsItem) {
    // A JSON array of records (Lambda test payloads are sent so): each element is one.
    let format: FormatName | undefined;
    value.forEach((item, index) => {
      if (!isObject(item)) sink.reject(`[${index}]: not a JSON object; ${FORMAT_HELP}`);
      else format = decodeParsed(item, JSON.stringify(item), false, options, sink) || format;
    });
    return format;
  }
  if (!isObject(value)) {
    sink.reject(`not a JSON object; ${FORMAT_HELP}`);
    return undefined;
  }
  if (isEventsItem) {
    decodeCliEvent(value, options, sink);
    return "aws-cli";
  }
  if (isObject(value.awslogs) && "data" in value.awslogs) {
    decodeLambda(value.awslogs.data, options, sink);
    return "lambda";
  }
  if ("messageType" in value && "logEvents" in value) {
    decodeEnvelope(value, options, sink);
    return "cloudwatch";
  }
  if ("result" in value || ("preview" in value && "offset" in value) || "lastrow" in value) {
    decodeSplunkExport(value, options, sink);
    return "splunk";
  }
  if (Array.isArray(value.events) && !("kind" in value)) {
    // `aws logs` output on one line (e.g. after `jq -c`): the scanner did not stream it.
    for (const item of value.events) {
      if (isObject(item)) decodeCliEvent(item, options, sink);
      else sink.reject("events[]: not an object");
    }
    return "aws-cli";
  }
  // Any other object is an event, as Splunk indexes it: one without the audit fields just does not match.
  sink.event(makeEvent(text, value, auditTime(value) || NO_TIME, options.source || options.fileSource, options.selection));
  return "audit";
}

/** Audit streams hold the audit log; other EKS streams (authenticator, kube-apiserver, ...) hold plain text. */
export function isAuditStream(stream: string): boolean {
  return stream.indexOf("kube-apiserver-audit") === 0;
}

/** Whether a message could be a JSON object without parsing it: its first and last non-blank characters. */
function looksLikeObject(message: string): boolean {
  let start = 0;
  let end = message.length - 1;
  while (start <= end && message.charCodeAt(start) <= 0x20) start++;
  while (end > start && message.charCodeAt(end) <= 0x20) end--;
  return message.charCodeAt(start) === 0x7b && message.charCodeAt(end) === 0x7d;
}

/**
 * One CloudWatch log event (message + timestamp) from `stream`, turned into an indexed event. `source`
 * is made once per stream by the caller: a string built per event costs its hashing in every map it
 * meets (about 1 us an event, measured in a profile of hunt).
 */
function decodeLogMessage(
  message: unknown,
  timestamp: unknown,
  stream: string,
  source: string,
  where: () => string, // names the event in a rejection; made only then
  options: DecodeOptions,
  sink: DecodeSink,
): void {
  if (typeof message !== "string") {
    sink.reject(`${where()}: no message`);
    return;
  }
  const hasTime = typeof timestamp === "number" && Number.isFinite(timestamp) && timestamp >= 0;
  if (options.mayMatch !== undefined && hasTime && looksLikeObject(message) && !options.mayMatch(message)) {
    sink.passed(source, timestamp as number);
    return;
  }
  const cloudWatchTime = hasTime ? timeFromEpochMillis(timestamp as number) : undefined;
  let body: unknown;
  let problem: string | undefined;
  try {
    body = JSON.parse(message);
    if (!isObject(body)) problem = "message is not a JSON object";
  } catch {
    problem = "message is not JSON";
  }
  if (problem) {
    if (isAuditStream(stream)) sink.reject(`${where()}: ${problem}`);
    else sink.skip("messages from log streams other than kube-apiserver-audit-*");
    return;
  }
  const time = cloudWatchTime || auditTime(body) || NO_TIME;
  sink.event(makeEvent(message, body, time, source, options.selection));
}

function decodeEnvelope(envelope: Json, options: DecodeOptions, sink: DecodeSink, where = ""): void {
  if (envelope.messageType === "CONTROL_MESSAGE") {
    sink.skip("CloudWatch CONTROL_MESSAGE envelopes");
    return;
  }
  const { logGroup, logStream, logEvents } = envelope;
  if (typeof logGroup !== "string" || typeof logStream !== "string" || !Array.isArray(logEvents)) {
    sink.reject(`${where}CloudWatch envelope without logGroup, logStream or logEvents[]`);
    return;
  }
  const source = options.source || cloudWatchSource(options.region, logGroup, logStream);
  let index = 0;
  const at = () => `${where}logEvents[${index}]`;
  for (; index < logEvents.length; index++) {
    const logEvent: unknown = logEvents[index];
    if (!isObject(logEvent)) sink.reject(`${at()}: not an object`);
    else decodeLogMessage(logEvent.message, logEvent.timestamp, logStream, source, at, options, sink);
  }
}

/**
 * What CloudWatch Logs hands a Lambda subscription: {"awslogs":{"data": base64 of the gzip of one
 * subscription envelope}} (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample).
 */
function decodeLambda(data: unknown, options: DecodeOptions, sink: DecodeSink): void {
  if (typeof data !== "string" || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(data)) {
    sink.reject("awslogs.data: not base64");
    return;
  }
  let text: string;
  try {
    text = gunzipSync(Buffer.from(data, "base64"), { maxOutputLength: MAX_LAMBDA_BYTES }).toString("utf8");
  } catch (err) {
    sink.reject(`awslogs.data: not gzip (${(err as Error).message})`);
    return;
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    sink.reject("awslogs.data: not valid JSON");
    return;
  }
  if (!isObject(envelope) || !("messageType" in envelope && "logEvents" in envelope)) {
    sink.reject("awslogs.data: not a CloudWatch Logs subscription envelope (messageType, logGroup, logStream, logEvents)");
    return;
  }
  decodeEnvelope(envelope, options, sink, "awslogs.data: ");
}

function decodeCliEvent(item: Json, options: DecodeOptions, sink: DecodeSink): void {
  if (options.logGroup === undefined) {
    throw new InputUsageError("this is `aws logs` output, which does not name its log group: pass --log-group /aws/eks/<cluster>/cluster");
  }
  // filter-log-events names each event's stream; get-log-events names none (it reads one stream).
  let stream = typeof item.logStreamName === "string" ? item.logStreamName : options.logStream;
  if (stream === undefined) {
    sink.warn("events of `aws logs get-log-events` output name no log stream; their source ends in an empty one (pass --log-stream)");
    stream = "";
  }
  const source = options.source || cloudWatchSource(options.region, options.logGroup, stream);
  decodeLogMessage(item.message, item.timestamp, stream, source, () => "events[]", options, sink);
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
    if (!isObject(body)) problem = "not a JSON object";
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
  const time = timeFromEpochText(exported) || timeFromTimestamp(exported) || auditTime(body) || NO_TIME;
  const source = options.source || exportedSource || options.fileSource;
  sink.event(makeEvent(result._raw, body, time, source, options.selection, EKS_SOURCETYPE));
}
