// ClientStats (ekspodscan by=client) against a naive model written from src/detection/README.md,
// and its partials merged across any split of the events, as the map and reduce phases do.
import { expect } from "chai";
import fc from "fast-check";
import { CLIENT_COLUMNS, CLIENT_PARTIAL_COLUMNS, ClientStats, InvalidPartialRow, auditEvent } from "../src/detection";
import type { AuditEvent, FieldValue, PartialRecord } from "../src/detection";

const value = (choices: string[]) => fc.constantFrom(...choices);
const field = (choices: string[]): fc.Arbitrary<FieldValue> =>
  fc.oneof(
    { weight: 4, arbitrary: value(choices) },
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 2, arbitrary: fc.array(value(choices.concat([""])), { maxLength: 4 }) },
  );

const TIMES = ["5", "5.0", "5.50", "5.5", "10", "9.75", "1e1", "", "n/a", "-3", "1599171244.277"];
// Streams of one cluster, another region's cluster of the same name, a bare log group, other sources.
const SOURCES = [
  "us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-1",
  "us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-2",
  "eu-west-1:/aws/eks/prod/cluster:kube-apiserver-audit-1",
  "us-east-1:/aws/eks/dev/cluster:kube-apiserver-audit-1",
  "/aws/eks/dev/cluster",
  "kubernetes",
  "\u{1F600}",
];

const eventArb: fc.Arbitrary<AuditEvent> = fc.record({
  time: fc.oneof({ weight: 6, arbitrary: value(TIMES) }, { weight: 1, arbitrary: fc.array(value(TIMES), { maxLength: 2 }) }),
  username: field(["system:anonymous", "System:Anonymous", "alice"]),
  groups: field(["system:unauthenticated", "system:authenticated", "g\u00e9"]),
  verb: field(["list", "LIST", "watch"]),
  resource: field(["pods"]),
  requestURI: field(["/api/v1/pods", "/api/v1/pods?limit=500", "/api/v1/namespaces/a/pods"]),
  source: field(SOURCES),
  sourceIPs: field(["10.0.0.1", "9.0.0.1", "2001:db8::1", "127.0.0.1"]),
  reason: field(["Forbidden", "forbidden", "Unauthorized"]),
  code: field(["403", "200", "401"]),
  userAgent: field(["curl/7.68.0", "kubectl/v1.29.0", "kube-hunter"]),
  decision: field(["allow", "forbid"]),
});

/** The model, from the README's words: every rule below is one sentence there. */
function model(events: AuditEvent[]): FieldValue[][] {
  const present = (f: FieldValue) => (Array.isArray(f) ? f : [f]).filter((v) => v !== "");
  const unique = (l: string[]) => Array.from(new Set(l));
  const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const clusterOf = (source: string) => {
    const m = /(?:^|:)\/aws\/eks\/([^/:]+)\/cluster(?::|$)/.exec(source);
    return m ? m[1] : source;
  };
  type G = { keys: string[]; count: number; times: string[]; sets: Set<string>[] };
  const groups = new Map<string, G>();
  for (const ev of events) {
    const ips = present(ev.sourceIPs);
    if (ips.length === 0) continue;
    const client = ips[ips.length - 1];
    for (const cluster of unique(present(ev.source).map(clusterOf))) {
      for (const user of unique(present(ev.username))) {
        const keys = [cluster, client, user];
        const id = JSON.stringify(keys);
        if (!groups.has(id)) groups.set(id, { keys, count: 0, times: [], sets: [0, 1, 2, 3, 4, 5, 6, 7].map(() => new Set<string>()) });
        const g = groups.get(id)!;
        g.count++;
        g.times.push(...present(ev.time).filter((t) => !Number.isNaN(parseFloat(t))));
        const columns = [
          ips.slice(0, -1), present(ev.source).filter((s) => clusterOf(s) === cluster), present(ev.groups),
          present(ev.reason), present(ev.code), present(ev.userAgent), present(ev.verb), present(ev.requestURI),
        ];
        columns.forEach((vals, i) => vals.forEach((v) => g.sets[i].add(v)));
      }
    }
  }
  const cell = (s: Set<string>): FieldValue => {
    const l = Array.from(s).sort(byUtf8);
    return l.length === 0 ? "" : l.length === 1 ? l[0] : l;
  };
  const pick = (times: string[], better: (a: number, b: number) => boolean) =>
    times.reduce((best, t) => {
      if (best === "") return t;
      const [x, y] = [parseFloat(t), parseFloat(best)];
      return better(x, y) || (x === y && byUtf8(t, best) < 0) ? t : best;
    }, "");
  return Array.from(groups.values())
    .sort((a, b) => a.keys.map((k, i) => byUtf8(k, b.keys[i])).find((c) => c !== 0) ?? 0)
    .map((g) => [...g.keys, String(g.count), pick(g.times, (x, y) => x < y), pick(g.times, (x, y) => x > y), ...g.sets.map(cell)]);
}

function aggregate(events: AuditEvent[]): ClientStats {
  const stats = new ClientStats();
  for (const ev of events) stats.addEvent(ev);
  return stats;
}

/** What splunkd hands back after the map phase: every cell a string, a one-value multivalue plain. */
function csvRoundTrip(row: FieldValue[]): PartialRecord {
  const record: PartialRecord = {};
  CLIENT_PARTIAL_COLUMNS.forEach((column, i) => {
    const c = row[i];
    record[column] = Array.isArray(c) ? (c.length === 1 ? c[0] : c.slice()) : c;
  });
  return record;
}

describe("detection: ClientStats (by=client)", () => {
  it("matches a naive model of its documented semantics", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        expect(aggregate(events).resultRows(false)).to.deep.equal(model(events));
      }),
      { numRuns: 400 },
    );
  });

  it("merging partials of any split, in any order, twice over, equals aggregating everything at once", () => {
    const split = fc
      .array(fc.tuple(eventArb, fc.nat(4)), { maxLength: 40 })
      .chain((tagged) => fc.tuple(fc.constant(tagged), fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 })));
    fc.assert(
      fc.property(split, ([tagged, order]) => {
        const events = tagged.map(([ev]) => ev);
        const whole = aggregate(events);
        const middle = new ClientStats();
        const top = new ClientStats();
        for (const part of order) {
          const partial = aggregate(tagged.filter(([, p]) => p === part).map(([ev]) => ev));
          const target = part % 2 === 0 ? middle : top;
          for (const row of partial.partialRows().reverse()) target.addPartial(csvRoundTrip(row));
        }
        for (const row of middle.partialRows()) top.addPartial(csvRoundTrip(row));
        expect(top.groupCount).to.equal(whole.groupCount);
        expect(top.resultRows(false)).to.deep.equal(whole.resultRows(false));
        expect(top.resultRows(true)).to.deep.equal(whole.resultRows(true));
      }),
      { numRuns: 300 },
    );
  });

  it("one row per cluster, client and user, whatever X-Forwarded-For and the log stream say", () => {
    const events = SOURCES.slice(0, 2).map((source, i) =>
      auditEvent({ time: String(i), username: "system:anonymous", source, sourceIPs: ["6.6.6.6", "10.0.0." + i, "203.0.113.9"] }),
    );
    const rows = aggregate(events).resultRows(false);
    expect(rows.map((r) => r.slice(0, 8))).to.deep.equal([
      ["prod", "203.0.113.9", "system:anonymous", "2", "0", "1", ["10.0.0.0", "10.0.0.1", "6.6.6.6"], SOURCES.slice(0, 2)],
    ]);
    expect(CLIENT_COLUMNS.slice(0, 8)).to.deep.equal(["cluster", "src_ip", "user.username", "count", "firstTime", "lastTime", "forwarded_for", "cluster_name"]);
  });

  it("a partial row without a single cluster, src_ip or user.username, or with a bad count, is refused", () => {
    const [row] = aggregate([auditEvent({ username: "a", source: "s", sourceIPs: "1.2.3.4" })]).partialRows();
    const record = csvRoundTrip(row);
    const stats = new ClientStats();
    expect(() => stats.addPartial({ ...record, cluster: ["a", "b"] })).to.throw(InvalidPartialRow, 'has no single value for cluster: ["a","b"]');
    expect(() => stats.addPartial({ ...record, src_ip: "" })).to.throw(InvalidPartialRow, 'has no single value for src_ip: ""');
    expect(() => stats.addPartial({ ...record, count: "1.5" })).to.throw(InvalidPartialRow, 'has no valid count: "1.5"');
    expect(stats.groupCount).to.equal(0);
  });
});
