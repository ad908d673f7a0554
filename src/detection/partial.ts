import type { FieldValue } from "./event";
import { StatsGroup, timeNumber } from "./group";
import { valuesOf } from "./values";

/** The authorizer decisions, a partial column of both groupings (enrich's outcome reads them). */
export const DECISIONS = "values(annotations.authorization.k8s.io/decision)";

export type PartialRecord = { [column: string]: FieldValue };

/** A row given to addPartial that no map phase of ours wrote; the message completes "the row ...". */
export class InvalidPartialRow extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidPartialRow";
  }
}

/** A partial row's by-field: one non-empty value, or InvalidPartialRow. */
export function byField(row: PartialRecord, column: string): string {
  const value = row[column];
  if (typeof value !== "string" || value === "") {
    throw new InvalidPartialRow("has no single value for " + column + ": " + JSON.stringify(value));
  }
  return value;
}

/** A partial row's count: decimal digits, or InvalidPartialRow. */
export function partialCount(row: PartialRecord): number {
  const count = row["count"];
  if (typeof count !== "string" || !/^[0-9]+$/.test(count)) {
    throw new InvalidPartialRow("has no valid count: " + JSON.stringify(count));
  }
  return parseInt(count, 10);
}

/** A cell of a partial row; a column splunkd left out (empty in every row) reads as "". */
export function cell(row: PartialRecord, column: string): FieldValue {
  const value = row[column];
  return value === undefined ? "" : value;
}

/** Offers every numeric time of `first` as the group's firstTime and of `last` as its lastTime. */
export function offerTime(g: StatsGroup, first: FieldValue, last: FieldValue): void {
  for (const time of valuesOf(first)) {
    const num = timeNumber(time);
    if (num === num) g.offerFirst(time, num);
  }
  for (const time of valuesOf(last)) {
    const num = timeNumber(time);
    if (num === num) g.offerLast(time, num);
  }
}
