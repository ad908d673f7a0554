import type { AuditEvent, FieldValue } from "./event";
import { ENRICH_COLUMNS, enrichCells } from "./enrich";
import { addValues, compareGroups, StatsGroup, timeNumber } from "./group";
import { GroupIndex } from "./group-index";
import { DECISIONS, InvalidPartialRow, PartialRecord, byField, cell, offerTime, partialCount } from "./partial";
import { cellOf, valuesOf } from "./values";

export { ENRICH_COLUMNS, InvalidPartialRow };
export type { PartialRecord };

/** The columns of the seed's stats, in its order (by-fields, count, times, values()). */
export const SEED_COLUMNS: readonly string[] = [
  "src_ip",
  "cluster_name",
  "user.username",
  "user.groups{}",
  "count",
  "firstTime",
  "lastTime",
  "values(responseStatus.reason)",
  "values(responseStatus.code)",
  "values(userAgent)",
  "values(verb)",
  "values(requestURI)",
];

/**
 * What the map phase emits per group: the seed's columns (mergeable as they are: count sums,
 * firstTime/lastTime keep min/max, values() unite) plus the authorizer decisions enrich needs.
 */
export const PARTIAL_COLUMNS: readonly string[] = SEED_COLUMNS.concat([DECISIONS]);

/** The columns of resultRows(enrich), in order. */
export function resultColumns(enrich: boolean): string[] {
  return enrich ? SEED_COLUMNS.concat(ENRICH_COLUMNS) : SEED_COLUMNS.slice();
}

/** The event field behind each by-field of a partial row, in the seed's order. */
export const BY_FIELD_SOURCES: ReadonlyArray<[string, keyof AuditEvent]> = [
  ["src_ip", "sourceIPs"],
  ["cluster_name", "source"],
  ["user.username", "username"],
  ["user.groups{}", "groups"],
];

/** The event field behind each values() column of a partial row. */
export const VALUES_SOURCES: ReadonlyArray<[string, keyof AuditEvent]> = [
  ["values(responseStatus.reason)", "reason"],
  ["values(responseStatus.code)", "code"],
  ["values(userAgent)", "userAgent"],
  ["values(verb)", "verb"],
  ["values(requestURI)", "requestURI"],
  [DECISIONS, "decision"],
];

/** A partial row with its cells in PARTIAL_COLUMNS order, as a PartialRecord. */
export function partialRecord(row: FieldValue[]): PartialRecord {
  const record: PartialRecord = {};
  PARTIAL_COLUMNS.forEach((column, i) => (record[column] = row[i]));
  return record;
}

/**
 * The seed's `rename source as cluster_name sourceIPs{} as src_ip | stats count min(_time) as
 * firstTime max(_time) as lastTime values(...) by src_ip cluster_name user.username user.groups{}`.
 * An event counts once in each combination of its by-field values (a repeated value again) and is
 * dropped when any by-field is missing. Partials from any split of the events merge to the same result.
 *
 * Strings are kept as they are given: a caller must not hand over slices of a large text (V8 keeps
 * the whole text alive for as long as a slice lives). The CSV reader decodes each value it hands out
 * into its own string.
 */
export class PodScanStats {
  private readonly index = new GroupIndex();

  get groupCount(): number {
    return this.index.groups.length;
  }

  /** An event that already matched. */
  addEvent(ev: AuditEvent): void {
    const ip = ev.sourceIPs;
    const source = ev.source;
    const user = ev.username;
    const group = ev.groups;
    const time = ev.time;
    if (
      typeof ip === "string" &&
      typeof source === "string" &&
      typeof user === "string" &&
      typeof group === "string" &&
      typeof time === "string"
    ) {
      if (ip === "" || source === "" || user === "" || group === "") return;
      const g = this.index.groupFor(ip, source, user, group);
      g.addEvent(ev, time, timeNumber(time));
      return;
    }
    this.addExpanded(ev);
  }

  /**
   * Multivalue by-fields (or _time): every combination, once per value. A value repeated inside a
   * field counts again, as in Splunk, whose stats keep duplicate split values (dedup_splitvals
   * defaults to false); sourceIPs repeats an address that X-Forwarded-For names twice.
   */
  private addExpanded(ev: AuditEvent): void {
    const ips = valuesOf(ev.sourceIPs);
    const sources = valuesOf(ev.source);
    const users = valuesOf(ev.username);
    const groups = valuesOf(ev.groups);
    const times = valuesOf(ev.time);
    for (const ip of ips) {
      for (const source of sources) {
        for (const user of users) {
          for (const group of groups) {
            const g = this.index.groupFor(ip, source, user, group);
            g.addEvent(ev, "", NaN);
            for (const time of times) offerTime(g, time, time);
          }
        }
      }
    }
  }

  /** A row the map phase emitted, after the CSV round trip (all strings, one value = plain string). */
  addPartial(row: PartialRecord): void {
    const ip = byField(row, "src_ip");
    const source = byField(row, "cluster_name");
    const user = byField(row, "user.username");
    const group = byField(row, "user.groups{}");
    const count = partialCount(row);
    const g = this.index.groupFor(ip, source, user, group);
    g.count += count;
    offerTime(g, cell(row, "firstTime"), cell(row, "lastTime"));
    addValues(g.reasons, cell(row, "values(responseStatus.reason)"));
    addValues(g.codes, cell(row, "values(responseStatus.code)"));
    addValues(g.userAgents, cell(row, "values(userAgent)"));
    addValues(g.verbs, cell(row, "values(verb)"));
    addValues(g.uris, cell(row, "values(requestURI)"));
    addValues(g.decisions, cell(row, DECISIONS));
  }

  /** One row per group, cells in PARTIAL_COLUMNS order (group order is not meaningful). */
  partialRows(): FieldValue[][] {
    const rows: FieldValue[][] = [];
    for (const g of this.index.groups) {
      const row = seedCells(g);
      row.push(cellOf(g.decisions.toArray()));
      rows.push(row);
    }
    return rows;
  }

  /** The seed's rows sorted by the by-fields, plus ENRICH_COLUMNS when enrich. */
  resultRows(enrich: boolean): FieldValue[][] {
    const sorted = this.index.groups.slice().sort(compareGroups);
    return sorted.map((g) => {
      const row = seedCells(g);
      if (enrich) {
        const extra = enrichCells(
          {
            sources: [g.clusterName],
            codes: g.codes.toArray(),
            decisions: g.decisions.toArray(),
            uris: g.uris.toArray(),
            userAgents: g.userAgents.toArray(),
          },
          true,
        );
        for (const c of extra) row.push(c);
      }
      return row;
    });
  }
}

function seedCells(g: StatsGroup): FieldValue[] {
  return [
    g.srcIp,
    g.clusterName,
    g.username,
    g.userGroup,
    String(g.count),
    g.firstTime,
    g.lastTime,
    cellOf(g.reasons.toArray()),
    cellOf(g.codes.toArray()),
    cellOf(g.userAgents.toArray()),
    cellOf(g.verbs.toArray()),
    cellOf(g.uris.toArray()),
  ];
}
