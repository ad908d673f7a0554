import { expect } from "chai";
import {
  ANNOTATE_COLUMNS,
  annotateEvent,
  auditEvent,
  clusterFromSource,
  ENRICH_COLUMNS,
  PodScanStats,
  scannerOf,
} from "../src/detection";
import type { AuditEvent } from "../src/detection";
import { podListEvent } from "./support/detection-events";

const SRC = "us-east-1:/aws/eks/prod-1/cluster:kube-apiserver-audit-0123456789abcdef0123456789abcdef";

function scan(over: Partial<AuditEvent>): AuditEvent {
  return podListEvent({ time: "100", source: SRC, ...over });
}

function enrichedRows(events: AuditEvent[]) {
  const stats = new PodScanStats();
  for (const ev of events) stats.addEvent(ev);
  return stats.resultRows(true).map((row) => row.slice(12));
}

describe("detection: enrich", () => {
  it("has the enrich columns", () => {
    expect(ENRICH_COLUMNS).to.deep.equal(["cluster", "outcome", "scope", "scanner", "risk_score"]);
  });

  it("parses the bare cluster name from an EKS CloudWatch source", () => {
    expect(clusterFromSource(SRC)).to.equal("prod-1");
    expect(clusterFromSource("eu-west-1:/aws/eks/My_Cluster/cluster:kube-apiserver-audit-ab")).to.equal("My_Cluster");
    expect(clusterFromSource("/aws/eks/solo/cluster")).to.equal("solo");
    expect(clusterFromSource("kubernetes")).to.equal("");
    expect(clusterFromSource("us-east-1:/aws/eks//cluster:x")).to.equal("");
    expect(clusterFromSource("us-east-1:/aws/eks/a/b/cluster:x")).to.equal("");
    expect(clusterFromSource("us-east-1:/aws/eks/a/clusters:x")).to.equal("");
  });

  it("names the user-agent family", () => {
    const cases: Array<[string, string]> = [
      ["kubectl/v1.27.2 (darwin/arm64) kubernetes/7f6f68f", "kubectl"],
      ["curl/7.68.0", "curl"],
      ["CURL/8.0", "curl"],
      ["python-requests/2.25.1", "python-requests"],
      ["Go-http-client/1.1", "Go-http-client"],
      ["go-http-client/2.0", "Go-http-client"],
      ["kube-hunter/0.6.8 python-requests/2.25.1", "kube-hunter"],
      ["Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "nmap"],
      ["Mozilla/5.0 zgrab/0.x", "zgrab"],
      ["masscan/1.3 (https://github.com/robertdavidgraham/masscan)", "masscan"],
      ["Mozilla/5.0 (X11; Linux x86_64)", "other"],
      ["mykubectl/1.0", "other"],
      ["kube-probe/1.27", "other"],
    ];
    for (const [ua, family] of cases) expect(scannerOf(ua), ua).to.equal(family);
  });

  it("scores a denied anonymous pod list 25", () => {
    expect(enrichedRows([scan({})])).to.deep.equal([["prod-1", "denied", "cluster", "curl", "25"]]);
  });

  it("scores an allowed one 75 (any 2xx code, or decision allow)", () => {
    expect(enrichedRows([scan({}), scan({ code: "200", reason: "" })])).to.deep.equal([["prod-1", "allowed", "cluster", "curl", "75"]]);
    expect(enrichedRows([scan({ code: "", decision: "allow" })])).to.deep.equal([["prod-1", "allowed", "cluster", "curl", "75"]]);
    expect(enrichedRows([scan({ code: "201" })])[0][1]).to.equal("allowed");
    expect(enrichedRows([scan({ code: "2000" })])[0][1]).to.equal("denied");
    expect(enrichedRows([scan({ code: "401", decision: "" })])[0][1]).to.equal("denied");
  });

  it("gives a multivalue scope and scanner when a group has several", () => {
    const rows = enrichedRows([
      scan({ requestURI: "/api/v1/pods?limit=500", userAgent: "kubectl/v1.29.0" }),
      scan({ requestURI: "/api/v1/namespaces/default/pods", userAgent: "kube-hunter" }),
      scan({ requestURI: "/api/v1/namespaces/kube-system/pods", userAgent: "Go-http-client/1.1" }),
    ]);
    expect(rows).to.deep.equal([["prod-1", "denied", ["cluster", "namespace"], ["Go-http-client", "kube-hunter", "kubectl"], "25"]]);
  });

  it("takes a non-EKS source as its own cluster and calls a missing user agent other", () => {
    expect(enrichedRows([scan({ source: "kubernetes", userAgent: "" })])).to.deep.equal([["kubernetes", "denied", "cluster", "other", "25"]]);
  });

  it("appends nothing when enrich is off", () => {
    const stats = new PodScanStats();
    stats.addEvent(scan({}));
    expect(stats.resultRows(false)[0]).to.have.length(12);
    expect(stats.resultRows(true)[0]).to.have.length(17);
  });
});

describe("detection: annotateEvent", () => {
  it("has the column pod_scan", () => {
    expect(ANNOTATE_COLUMNS).to.deep.equal(["pod_scan"]);
  });

  it("flags a match 1 and anything else 0", () => {
    expect(annotateEvent(scan({}), true, false)).to.deep.equal(["1"]);
    expect(annotateEvent(scan({}), false, false)).to.deep.equal(["0"]);
  });

  it("describes the event alone when enriched", () => {
    expect(annotateEvent(scan({}), true, true)).to.deep.equal(["1", "prod-1", "denied", "cluster", "curl", "25"]);
    expect(annotateEvent(scan({ requestURI: "/api/v1/namespaces/x/pods", code: "200" }), true, true)).to.deep.equal([
      "1", "prod-1", "allowed", "namespace", "curl", "75",
    ]);
  });

  it("fills what applies for a non-match and leaves risk_score empty", () => {
    const health = scan({ requestURI: "/healthz", verb: "get", code: "200", userAgent: "kube-probe/1.27" });
    expect(annotateEvent(health, false, true)).to.deep.equal(["0", "prod-1", "allowed", "", "other", ""]);
    expect(annotateEvent(auditEvent({}), false, true)).to.deep.equal(["0", "", "denied", "", "other", ""]);
  });
});
