import type { AuditEvent, FieldValue } from "./event";
import { ValueList } from "./value-list";
import { compareStrings } from "./values";

/**
 * The running state of one stats group (one combination of src_ip, cluster_name, user.username,
 * user.groups{}). Times are kept as the string the event carried plus its number, so the output
 * shows the original text while min/max compare numerically. Equal numbers written differently
 * ("1.5", "1.50") resolve to the smaller string, so the result does not depend on event order.
 */
export class StatsGroup {
  count = 0;
  firstTime = ""; // "" until a numeric time was seen
  firstNum = 0;
  lastTime = "";
  lastNum = 0;
  readonly reasons = new ValueList();
  readonly codes = new ValueList();
  readonly userAgents = new ValueList();
  readonly verbs = new ValueList();
  readonly uris = new ValueList();
  readonly decisions = new ValueList();
  // The value each field last added ("" = nothing yet, or a multivalue, which never compares equal).
  private lastReason: FieldValue = "";
  private lastCode: FieldValue = "";
  private lastUserAgent: FieldValue = "";
  private lastVerb: FieldValue = "";
  private lastUri: FieldValue = "";
  private lastDecision: FieldValue = "";

  readonly srcIp: string;
  readonly clusterName: string;
  readonly username: string;
  readonly userGroup: string;

  constructor(srcIp: string, clusterName: string, username: string, userGroup: string) {
    this.srcIp = srcIp;
    this.clusterName = clusterName;
    this.username = username;
    this.userGroup = userGroup;
  }

  /** One event; `time` is its _time text and `num` its value (NaN: no usable time). */
  addEvent(ev: AuditEvent, time: string, num: number): void {
    this.count++;
    if (num === num) {
      this.offerFirst(time, num);
      this.offerLast(time, num);
    }
    // Repeats of the group's previous value (the common case) skip the list entirely.
    const reason = ev.reason;
    if (reason !== this.lastReason) this.lastReason = addValue(this.reasons, reason);
    const code = ev.code;
    if (code !== this.lastCode) this.lastCode = addValue(this.codes, code);
    const userAgent = ev.userAgent;
    if (userAgent !== this.lastUserAgent) this.lastUserAgent = addValue(this.userAgents, userAgent);
    const verb = ev.verb;
    if (verb !== this.lastVerb) this.lastVerb = addValue(this.verbs, verb);
    const uri = ev.requestURI;
    if (uri !== this.lastUri) this.lastUri = addValue(this.uris, uri);
    const decision = ev.decision;
    if (decision !== this.lastDecision) this.lastDecision = addValue(this.decisions, decision);
  }

  offerFirst(time: string, num: number): void {
    if (
      this.firstTime === "" ||
      num < this.firstNum ||
      (num === this.firstNum && compareStrings(time, this.firstTime) < 0)
    ) {
      this.firstTime = time;
      this.firstNum = num;
    }
  }

  offerLast(time: string, num: number): void {
    if (
      this.lastTime === "" ||
      num > this.lastNum ||
      (num === this.lastNum && compareStrings(time, this.lastTime) < 0)
    ) {
      this.lastTime = time;
      this.lastNum = num;
    }
  }
}

/** Adds the present values of a field to a list. */
export function addValues(list: ValueList, field: FieldValue): void {
  if (typeof field === "string") {
    if (field !== "") list.add(field);
    return;
  }
  for (let i = 0; i < field.length; i++) if (field[i] !== "") list.add(field[i]);
}

/**
 * addValues, returning what to remember as the field's previous value: the kept copy of a single
 * string (never the event's own string, which would pin its CSV chunk in memory), else "".
 */
function addValue(list: ValueList, field: FieldValue): FieldValue {
  if (typeof field === "string") return field === "" ? "" : list.add(field);
  addValues(list, field);
  return "";
}

/** The numeric value of a _time text, NaN when it has none (empty or not a number). */
export function timeNumber(time: string): number {
  return time === "" ? NaN : parseFloat(time);
}

/** Orders groups by the by-fields, in the seed's order, ascending. */
export function compareGroups(a: StatsGroup, b: StatsGroup): number {
  return (
    compareStrings(a.srcIp, b.srcIp) ||
    compareStrings(a.clusterName, b.clusterName) ||
    compareStrings(a.username, b.username) ||
    compareStrings(a.userGroup, b.userGroup)
  );
}
