import { expect } from "chai";
import fc from "fast-check";
import { auditEvent, PARTIAL_COLUMNS, PodScanStats } from "../src/detection";
import type { AuditEvent, FieldValue, PartialRecord } from "../src/detection";

// Small alphabets so that events collide in groups, values repeat and times tie.
const value = (choices: string[]) => fc.constantFrom(...choices);
const field = (choices: string[]): fc.Arbitrary<FieldValue> =>
  fc.oneof(
    { weight: 4, arbitrary: value(choices) },
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 2, arbitrary: fc.array(value(choices.concat([""])), { maxLength: 3 }) },
  );

const TIMES = ["5", "5.0", "5.50", "5.5", "10", "9.75", "1e1", "", "n/a", "-3", "1599171244.277"];

const eventArb: fc.Arbitrary<AuditEvent> = fc.record({
  time: fc.oneof({ weight: 6, arbitrary: value(TIMES) }, { weight: 1, arbitrary: fc.array(value(TIMES), { maxLength: 2 }) }),
  username: field(["system:anonymous", "System:Anonymous", "alice"]),
  groups: field(["system:unauthenticated", "system:authenticated", "g\u00e9"]),
  verb: field(["list", "LIST", "watch"]),
  resource: field(["pods"]),
  requestURI: field(["/api/v1/pods", "/api/v1/pods?limit=500", "/api/v1/namespaces/a/pods"]),
  source: field(["us-east-1:/aws/eks/a/cluster:kube-apiserver-audit-1", "kubernetes", "\u{1F600}", "\uFF21"]),
  sourceIPs: field(["10.0.0.1", "9.0.0.1", "2001:db8::1"]),
  reason: field(["Forbidden", "forbidden", "Unauthorized"]),
  code: field(["403", "200", "401"]),
  userAgent: field(["curl/7.68.0", "kubectl/v1.29.0", "kube-hunter", "Go-http-client/1.1"]),
  decision: field(["allow", "forbid"]),
});

/** What splunkd hands back after the map phase: every cell a string, a one-value multivalue plain. */
function csvRoundTrip(row: FieldValue[]): PartialRecord {
  const record: PartialRecord = {};
  PARTIAL_COLUMNS.forEach((column, i) => {
    const cell = row[i];
    record[column] = Array.isArray(cell) ? (cell.length === 1 ? cell[0] : cell.map(String)) : String(cell);
  });
  return record;
}

function aggregate(events: AuditEvent[]): PodScanStats {
  const stats = new PodScanStats();
  for (const ev of events) stats.addEvent(ev);
  return stats;
}

/** A naive model of Splunk's stats, written independently of the implementation. */
function oracle(events: AuditEvent[]): FieldValue[][] {
  const present = (f: FieldValue) => (Array.isArray(f) ? f : [f]).filter((v) => v !== "");
  const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const groups = new Map<string, { keys: string[]; count: number; times: string[]; sets: Set<string>[] }>();
  for (const ev of events) {
    let combos: string[][] = [[]];
    for (const f of [ev.sourceIPs, ev.source, ev.username, ev.groups]) {
      const vals = present(f); // a repeated value splits again (Splunk's dedup_splitvals=false)
      combos = combos.flatMap((c) => vals.map((v) => c.concat([v])));
    }
    for (const keys of combos) {
      const id = JSON.stringify(keys);
      if (!groups.has(id)) groups.set(id, { keys, count: 0, times: [], sets: [0, 1, 2, 3, 4].map(() => new Set<string>()) });
      const g = groups.get(id)!;
      g.count++;
      g.times.push(...present(ev.time).filter((t) => !Number.isNaN(parseFloat(t))));
      [ev.reason, ev.code, ev.userAgent, ev.verb, ev.requestURI].forEach((f, i) => present(f).forEach((v) => g.sets[i].add(v)));
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
    .map((g) => [
      ...g.keys, String(g.count), pick(g.times, (x, y) => x < y), pick(g.times, (x, y) => x > y), ...g.sets.map(cell),
    ]);
}

/**
 * Many by-field triples whose sources have one length and differ in one character (the index tells
 * them apart by probing characters, then switches to a Map past 16 triples), and more distinct
 * values per field than the short list holds before it becomes a Set.
 */
const near = (prefix: string) => Array.from({ length: 6 }, (_, i) => prefix.replace("#", String(i)));
const crowdedArb: fc.Arbitrary<AuditEvent> = fc.record({
  time: value(TIMES),
  username: value(["system:anonymous", "system:anonymouS", "anon"]),
  groups: field(["system:unauthenticated", "system:unauthenticateD"]),
  verb: value(["list"]),
  resource: value(["pods"]),
  requestURI: field(near("/api/v1/namespaces/n#/pods")),
  source: value(near("us-east-1:/aws/eks/c#/cluster:x1").concat(near("us-east-#:/aws/eks/c1/cluster:x1"), near("us-east-1:/aws/eks/c1/cluster:x#"))),
  sourceIPs: value(["10.0.0.1", "10.0.0.2"]),
  reason: value(["Forbidden"]),
  code: value(["403"]),
  userAgent: field(near("agent-#").concat(near("client/#"))),
  decision: value(["forbid"]),
});

describe("detection: PodScanStats merge (property)", () => {
  it("matches a naive model of Splunk's stats", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        expect(aggregate(events).resultRows(false)).to.deep.equal(oracle(events));
      }),
      { numRuns: 300 },
    );
  });

  it("matches the model with many near-identical triples and many distinct values", () => {
    fc.assert(
      fc.property(fc.array(crowdedArb, { minLength: 20, maxLength: 120 }), (events) => {
        expect(aggregate(events).resultRows(false)).to.deep.equal(oracle(events));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps results exact over 70,000 events in few groups, times in any order", () => {
    const events: AuditEvent[] = [];
    for (let i = 0; i < 70000; i++) {
      events.push(auditEvent({ time: String(1000 + ((i * 7919) % 70001)), username: "system:anonymous", groups: "g", sourceIPs: "ip" + (i % 3), source: "s" }));
    }
    expect(aggregate(events).resultRows(false).map((r) => r.slice(0, 7))).to.deep.equal(oracle(events).map((r) => r.slice(0, 7)));
  });

  it("merging partials of any split equals aggregating everything at once", () => {
    const split = fc
      .array(fc.tuple(eventArb, fc.nat(4)), { maxLength: 40 })
      .chain((tagged) => fc.tuple(fc.constant(tagged), fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 })));
    fc.assert(
      fc.property(split, ([tagged, partitionOrder]) => {
        const events = tagged.map(([ev]) => ev);
        const whole = aggregate(events);
        const merged = new PodScanStats();
        for (const part of partitionOrder) {
          const partial = aggregate(tagged.filter(([, p]) => p === part).map(([ev]) => ev));
          for (const row of partial.partialRows().reverse()) merged.addPartial(csvRoundTrip(row));
        }
        expect(merged.groupCount).to.equal(whole.groupCount);
        expect(merged.resultRows(false)).to.deep.equal(whole.resultRows(false));
        expect(merged.resultRows(true)).to.deep.equal(whole.resultRows(true));
      }),
      { numRuns: 300 },
    );
  });

  it("merging partials twice over (reduce of reduces) changes nothing", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.nat(30), (events, cut) => {
        const left = aggregate(events.slice(0, cut));
        const right = aggregate(events.slice(cut));
        const middle = new PodScanStats();
        for (const row of left.partialRows()) middle.addPartial(csvRoundTrip(row));
        const top = new PodScanStats();
        for (const row of middle.partialRows().concat(right.partialRows())) top.addPartial(csvRoundTrip(row));
        expect(top.resultRows(true)).to.deep.equal(aggregate(events).resultRows(true));
      }),
      { numRuns: 200 },
    );
  });
});
