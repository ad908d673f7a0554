import type { AuditEvent, FieldValue } from "./event";
import { ENRICH_COLUMNS, clusterFromSource, enrichCells } from "./enrich";
import { StatsGroup, addValues, timeNumber } from "./group";
import { DECISIONS, PartialRecord, byField, cell, offerTime, partialCount } from "./partial";
import { ValueList } from "./value-list";
import { cellOf, compareStrings, valuesOf } from "./values";

/**
 * The columns of by=client, in order: its by-fields, count and times, then values() columns. As SPL:
 * `stats count min(_time) as firstTime max(_time) as lastTime values(forwarded_for) as forwarded_for
 * values(source) as cluster_name values(user.groups{}) as user.groups{} values(responseStatus.reason)
 * ... values(requestURI) by cluster src_ip user.username` (the README states how each is derived).
 */
export const CLIENT_COLUMNS: readonly string[] = [
  "cluster",
  "src_ip",
  "user.username",
  "count",
  "firstTime",
  "lastTime",
  "forwarded_for",
  "cluster_name",
  "user.groups{}",
  "values(responseStatus.reason)",
  "values(responseStatus.code)",
  "values(userAgent)",
  "values(verb)",
  "values(requestURI)",
];

/** What the map phase emits per group under by=client: the columns plus the decisions enrich reads. */
export const CLIENT_PARTIAL_COLUMNS: readonly string[] = CLIENT_COLUMNS.concat([DECISIONS]);

/** enrich=true under by=client: cluster is already the first by-field, so the other four. */
export const CLIENT_ENRICH_COLUMNS: readonly string[] = ENRICH_COLUMNS.slice(1);

/** The values() columns of a by=client partial row, each united on merge. */
export const CLIENT_VALUES_COLUMNS: readonly string[] = CLIENT_PARTIAL_COLUMNS.slice(6);

/** The columns of ClientStats.resultRows(enrich), in order. */
export function clientResultColumns(enrich: boolean): string[] {
  return enrich ? CLIENT_COLUMNS.concat(CLIENT_ENRICH_COLUMNS) : CLIENT_COLUMNS.slice();
}

/** One (cluster, client address, user.username): the seed's running state plus three values() lists. */
class ClientGroup {
  /** srcIp is the client address, clusterName the bare cluster; userGroup is unused (""). */
  readonly stats: StatsGroup;
  readonly forwardedFor = new ValueList();
  readonly sources = new ValueList();
  readonly groups = new ValueList();

  constructor(cluster: string, client: string, user: string) {
    this.stats = new StatsGroup(client, cluster, user, "");
  }
}

/**
 * ekspodscan by=client: one row per bare cluster, client address and user.username. The client
 * address is the last present entry of sourceIPs{}, the connection's remote address; the entries
 * before it are what the client claimed in X-Forwarded-For and X-Real-Ip (the audit API: "all but
 * the last IP can be arbitrarily set by the client"), kept in forwarded_for. So a forged header
 * adds no row, and one cluster's log streams add none either. Partials merge like PodScanStats'.
 */
export class ClientStats {
  private readonly byKey = new Map<string, ClientGroup>();
  private readonly groupList: ClientGroup[] = [];

  get groupCount(): number {
    return this.groupList.length;
  }

  /** An event that already matched. It counts once in each of its (cluster, user.username) pairs. */
  addEvent(ev: AuditEvent): void {
    const ips = valuesOf(ev.sourceIPs);
    if (ips.length === 0) return;
    const client = ips[ips.length - 1];
    const users = distinct(valuesOf(ev.username));
    const clusters: string[] = [];
    const streams: string[][] = [];
    for (const source of valuesOf(ev.source)) {
      const cluster = clusterFromSource(source) || source;
      let at = clusters.indexOf(cluster);
      if (at < 0) at = clusters.push(cluster) - 1;
      (streams[at] || (streams[at] = [])).push(source);
    }
    const time = ev.time;
    for (let c = 0; c < clusters.length; c++) {
      for (const user of users) {
        const g = this.groupFor(clusters[c], client, user);
        if (typeof time === "string") g.stats.addEvent(ev, time, timeNumber(time));
        else {
          g.stats.addEvent(ev, "", NaN);
          offerTime(g.stats, time, time);
        }
        for (let i = 0; i < ips.length - 1; i++) g.forwardedFor.add(ips[i]);
        for (const source of streams[c]) g.sources.add(source);
        addValues(g.groups, ev.groups);
      }
    }
  }

  /** A row the map phase emitted (CLIENT_PARTIAL_COLUMNS), after the CSV round trip. */
  addPartial(row: PartialRecord): void {
    const cluster = byField(row, "cluster");
    const client = byField(row, "src_ip");
    const user = byField(row, "user.username");
    const count = partialCount(row);
    const g = this.groupFor(cluster, client, user);
    const s = g.stats;
    s.count += count;
    offerTime(s, cell(row, "firstTime"), cell(row, "lastTime"));
    addValues(g.forwardedFor, cell(row, "forwarded_for"));
    addValues(g.sources, cell(row, "cluster_name"));
    addValues(g.groups, cell(row, "user.groups{}"));
    addValues(s.reasons, cell(row, "values(responseStatus.reason)"));
    addValues(s.codes, cell(row, "values(responseStatus.code)"));
    addValues(s.userAgents, cell(row, "values(userAgent)"));
    addValues(s.verbs, cell(row, "values(verb)"));
    addValues(s.uris, cell(row, "values(requestURI)"));
    addValues(s.decisions, cell(row, DECISIONS));
  }

  /** One row per group, cells in CLIENT_PARTIAL_COLUMNS order (group order is not meaningful). */
  partialRows(): FieldValue[][] {
    return this.groupList.map((g) => {
      const row = clientCells(g);
      row.push(cellOf(g.stats.decisions.toArray()));
      return row;
    });
  }

  /** The rows sorted by cluster, src_ip, user.username, plus CLIENT_ENRICH_COLUMNS when enrich. */
  resultRows(enrich: boolean): FieldValue[][] {
    const sorted = this.groupList.slice().sort(compareClientGroups);
    return sorted.map((g) => {
      const row = clientCells(g);
      if (enrich) {
        const s = g.stats;
        const extra = enrichCells(
          {
            sources: g.sources.toArray(),
            codes: s.codes.toArray(),
            decisions: s.decisions.toArray(),
            uris: s.uris.toArray(),
            userAgents: s.userAgents.toArray(),
          },
          true,
        );
        for (let i = 1; i < extra.length; i++) row.push(extra[i]);
      }
      return row;
    });
  }

  private groupFor(cluster: string, client: string, user: string): ClientGroup {
    // Length prefixes keep the key unambiguous whatever characters the values hold.
    const key = cluster.length + ":" + cluster + client.length + ":" + client + user;
    let g = this.byKey.get(key);
    if (g === undefined) {
      g = new ClientGroup(cluster, client, user);
      this.byKey.set(key, g);
      this.groupList.push(g);
    }
    return g;
  }
}

function clientCells(g: ClientGroup): FieldValue[] {
  const s = g.stats;
  return [
    s.clusterName,
    s.srcIp,
    s.username,
    String(s.count),
    s.firstTime,
    s.lastTime,
    cellOf(g.forwardedFor.toArray()),
    cellOf(g.sources.toArray()),
    cellOf(g.groups.toArray()),
    cellOf(s.reasons.toArray()),
    cellOf(s.codes.toArray()),
    cellOf(s.userAgents.toArray()),
    cellOf(s.verbs.toArray()),
    cellOf(s.uris.toArray()),
  ];
}

function compareClientGroups(a: ClientGroup, b: ClientGroup): number {
  return (
    compareStrings(a.stats.clusterName, b.stats.clusterName) ||
    compareStrings(a.stats.srcIp, b.stats.srcIp) ||
    compareStrings(a.stats.username, b.stats.username)
  );
}

function distinct(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
