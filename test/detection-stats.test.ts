import { expect } from "chai";
import { InvalidPartialRow, PARTIAL_COLUMNS, PodScanStats, SEED_COLUMNS } from "../src/detection";
import type { AuditEvent, FieldValue } from "../src/detection";
import { PROD_SOURCE, podListEvent } from "./support/detection-events";

const SRC = PROD_SOURCE;
const scan = podListEvent;

function rowsOf(events: AuditEvent[]): FieldValue[][] {
  const stats = new PodScanStats();
  for (const ev of events) stats.addEvent(ev);
  return stats.resultRows(false);
}

describe("detection: PodScanStats (the seed's stats)", () => {
  it("has the seed's columns and the partial columns after them", () => {
    expect(SEED_COLUMNS).to.deep.equal([
      "src_ip", "cluster_name", "user.username", "user.groups{}", "count", "firstTime", "lastTime",
      "values(responseStatus.reason)", "values(responseStatus.code)", "values(userAgent)", "values(verb)",
      "values(requestURI)",
    ]);
    expect(PARTIAL_COLUMNS).to.deep.equal(SEED_COLUMNS.concat(["values(annotations.authorization.k8s.io/decision)"]));
    for (const name of PARTIAL_COLUMNS) expect(name).to.not.match(/^_/);
  });

  it("aggregates one group: count, min/max time as the original strings, sorted distinct values", () => {
    const rows = rowsOf([
      scan({ time: "1599171244.277", userAgent: "kubectl/v1.18.0", code: "403" }),
      scan({ time: "1599171300.5", userAgent: "curl/7.68.0", code: "403" }),
      scan({ time: "999.000", userAgent: "Go-http-client/1.1", code: "200", reason: "" }),
    ]);
    expect(rows).to.deep.equal([
      [
        "203.0.113.7", SRC, "system:anonymous", "system:unauthenticated", "3", "999.000", "1599171300.5",
        "Forbidden", ["200", "403"], ["Go-http-client/1.1", "curl/7.68.0", "kubectl/v1.18.0"], "list", "/api/v1/pods",
      ],
    ]);
  });

  it("compares times as numbers, not text", () => {
    const rows = rowsOf([scan({ time: "10" }), scan({ time: "9.5" }), scan({ time: "100" })]);
    expect(rows[0].slice(4, 7)).to.deep.equal(["3", "9.5", "100"]);
  });

  it("resolves equal times written differently to the smaller string, whatever the order", () => {
    expect(rowsOf([scan({ time: "5.50" }), scan({ time: "5.5" })])[0].slice(5, 7)).to.deep.equal(["5.5", "5.5"]);
    expect(rowsOf([scan({ time: "5.5" }), scan({ time: "5.50" })])[0].slice(5, 7)).to.deep.equal(["5.5", "5.5"]);
  });

  it("counts an event without a usable _time but leaves the times empty", () => {
    const rows = rowsOf([scan({ time: "" }), scan({ time: "n/a" })]);
    expect(rows[0].slice(4, 7)).to.deep.equal(["2", "", ""]);
  });

  it("keeps values() case-sensitive and empty when a field is absent everywhere", () => {
    const rows = rowsOf([scan({ verb: "LIST", reason: "", code: "" }), scan({ verb: "list", reason: "", code: "" })]);
    expect(rows[0].slice(7)).to.deep.equal(["", "", "curl/7.68.0", ["LIST", "list"], "/api/v1/pods"]);
  });

  it("groups by exact (case-sensitive) by-field values, rows sorted by the by-fields", () => {
    const rows = rowsOf([
      scan({ sourceIPs: "b" }),
      scan({ sourceIPs: "a", username: "system:anonymous" }),
      scan({ sourceIPs: "a", username: "System:Anonymous" }),
      scan({ sourceIPs: "10.0.0.1" }),
      scan({ sourceIPs: "9.0.0.1" }),
    ]);
    expect(rows.map((r) => [r[0], r[2], r[4]])).to.deep.equal([
      ["10.0.0.1", "system:anonymous", "1"],
      ["9.0.0.1", "system:anonymous", "1"],
      ["a", "System:Anonymous", "1"],
      ["a", "system:anonymous", "1"],
      ["b", "system:anonymous", "1"],
    ]);
  });

  it("expands multivalue by-fields into every combination, once per value: a repeated value counts again", () => {
    const rows = rowsOf([
      scan({ sourceIPs: ["198.51.100.2", "10.1.1.1", "198.51.100.2"], groups: ["system:unauthenticated", "extra"] }),
      scan({ sourceIPs: "10.1.1.1", groups: "extra", time: "1" }),
    ]);
    expect(rows.map((r) => [r[0], r[3], r[4], r[5], r[6]])).to.deep.equal([
      ["10.1.1.1", "extra", "2", "1", "1599171244.277"],
      ["10.1.1.1", "system:unauthenticated", "1", "1599171244.277", "1599171244.277"],
      ["198.51.100.2", "extra", "2", "1599171244.277", "1599171244.277"],
      ["198.51.100.2", "system:unauthenticated", "2", "1599171244.277", "1599171244.277"],
    ]);
  });

  it("drops an event missing any by-field", () => {
    const stats = new PodScanStats();
    stats.addEvent(scan({ sourceIPs: "" }));
    stats.addEvent(scan({ source: "" }));
    stats.addEvent(scan({ username: "" }));
    stats.addEvent(scan({ groups: "" }));
    stats.addEvent(scan({ groups: [] }));
    stats.addEvent(scan({ sourceIPs: ["", ""] }));
    expect(stats.groupCount).to.equal(0);
    expect(stats.resultRows(false)).to.deep.equal([]);
    stats.addEvent(scan({}));
    expect(stats.groupCount).to.equal(1);
  });

  it("skips empty values inside a multivalue", () => {
    const rows = rowsOf([scan({ sourceIPs: ["", "1.2.3.4"], userAgent: ["", "curl/8"], time: ["", "7"] })]);
    expect(rows).to.deep.equal([
      ["1.2.3.4", SRC, "system:anonymous", "system:unauthenticated", "1", "7", "7", "Forbidden", "403", "curl/8", "list", "/api/v1/pods"],
    ]);
  });

  it("sorts values by code point", () => {
    const rows = rowsOf([scan({ userAgent: ["b", "\u{1F600}", "\uFF21", "B", "a"] })]);
    expect(rows[0][9]).to.deep.equal(["B", "a", "b", "\uFF21", "\u{1F600}"]);
  });

  it("emits partial rows in PARTIAL_COLUMNS order, decisions included", () => {
    const stats = new PodScanStats();
    stats.addEvent(scan({ decision: "forbid" }));
    stats.addEvent(scan({ decision: "allow", code: "200", reason: "" }));
    expect(stats.partialRows()).to.deep.equal([
      [
        "203.0.113.7", SRC, "system:anonymous", "system:unauthenticated", "2", "1599171244.277", "1599171244.277",
        "Forbidden", ["200", "403"], "curl/7.68.0", "list", "/api/v1/pods", ["allow", "forbid"],
      ],
    ]);
  });

  it("merges partial rows from a CSV round trip", () => {
    const stats = new PodScanStats();
    const base = {
      src_ip: "1.1.1.1", cluster_name: SRC, "user.username": "system:anonymous", "user.groups{}": "system:unauthenticated",
      "values(responseStatus.reason)": "Forbidden", "values(responseStatus.code)": "403", "values(userAgent)": "curl/8",
      "values(verb)": "list", "values(requestURI)": "/api/v1/pods",
      "values(annotations.authorization.k8s.io/decision)": "forbid",
    };
    stats.addPartial({ ...base, count: "3", firstTime: "20", lastTime: "30" });
    stats.addPartial({ ...base, count: "2", firstTime: "5", lastTime: "25", "values(userAgent)": ["a", "curl/8"] });
    expect(stats.resultRows(false)).to.deep.equal([
      ["1.1.1.1", SRC, "system:anonymous", "system:unauthenticated", "5", "5", "30", "Forbidden", "403", ["a", "curl/8"], "list", "/api/v1/pods"],
    ]);
  });

  it("rejects a partial row that is not one of ours", () => {
    const stats = new PodScanStats();
    const row = { src_ip: "1", cluster_name: "c", "user.username": "u", "user.groups{}": "g", count: "1" };
    expect(() => stats.addPartial({ ...row, src_ip: "" })).to.throw(InvalidPartialRow, "has no single value for src_ip: \"\"");
    expect(() => stats.addPartial({ ...row, count: "x" })).to.throw(InvalidPartialRow, "has no valid count: \"x\"");
    expect(stats.groupCount).to.equal(0);
  });
});
