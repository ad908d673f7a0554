import type { AuditEvent, FieldValue } from "./event";
import { CLIENT_PARTIAL_COLUMNS, CLIENT_VALUES_COLUMNS, ClientStats, clientResultColumns } from "./client-stats";
import type { PartialRecord } from "./partial";
import { PARTIAL_COLUMNS, PodScanStats, VALUES_SOURCES, resultColumns } from "./stats";

/** seed: the seed's stats by-fields; client: one row per bare cluster, client address and user. */
export type GroupBy = "seed" | "client";

/** The running stats of either grouping: events in, mergeable partial rows out, result rows at the end. */
export interface Aggregation {
  readonly groupCount: number;
  addEvent(ev: AuditEvent): void;
  addPartial(row: PartialRecord): void;
  partialRows(): FieldValue[][];
  resultRows(enrich: boolean): FieldValue[][];
}

/** What the command needs to know of a grouping besides its stats. */
export interface Grouping {
  readonly by: GroupBy;
  /** The map phase's columns, in the order partialRows() fills them. */
  readonly partialColumns: readonly string[];
  /** The partial columns that hold values() (read through value ids on the reduce side). */
  readonly valuesColumns: readonly string[];
  resultColumns(enrich: boolean): string[];
  create(): Aggregation;
}

const SEED: Grouping = {
  by: "seed",
  partialColumns: PARTIAL_COLUMNS,
  valuesColumns: VALUES_SOURCES.map(([column]) => column),
  resultColumns,
  create: () => new PodScanStats(),
};

const CLIENT: Grouping = {
  by: "client",
  partialColumns: CLIENT_PARTIAL_COLUMNS,
  valuesColumns: CLIENT_VALUES_COLUMNS,
  resultColumns: clientResultColumns,
  create: () => new ClientStats(),
};

export function groupingFor(by: GroupBy): Grouping {
  return by === "client" ? CLIENT : SEED;
}
