import type { AuditEvent } from "./event";
import { addValues, compareStrings } from "./values";

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
  readonly reasons = new Set<string>();
  readonly codes = new Set<string>();
  readonly userAgents = new Set<string>();
  readonly verbs = new Set<string>();
  readonly uris = new Set<string>();
  readonly decisions = new Set<string>();

  constructor(
    readonly srcIp: string,
    readonly clusterName: string,
    readonly username: string,
    readonly userGroup: string,
  ) {}

  /** One event; `time` is its _time text ("" to skip) and `num` its value (NaN to skip). */
  addEvent(ev: AuditEvent, time: string, num: number): void {
    this.count++;
    if (num === num) {
      this.offerFirst(time, num);
      this.offerLast(time, num);
    }
    addValues(this.reasons, ev.reason);
    addValues(this.codes, ev.code);
    addValues(this.userAgents, ev.userAgent);
    addValues(this.verbs, ev.verb);
    addValues(this.uris, ev.requestURI);
    addValues(this.decisions, ev.decision);
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
