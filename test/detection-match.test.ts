import { expect } from "chai";
import { auditEvent, matcherFor, matchesBroad, matchesExact, podListScope } from "../src/detection";
import type { AuditEvent } from "../src/detection";

/** The seed's positive: an anonymous list of all pods. */
const SEED: Partial<AuditEvent> = {
  username: "system:anonymous",
  groups: "system:unauthenticated",
  verb: "list",
  resource: "pods",
  requestURI: "/api/v1/pods",
};
const seed = (over: Partial<AuditEvent> = {}) => auditEvent({ ...SEED, ...over });

describe("detection: matchesExact (the seed's search terms)", () => {
  it("matches the seed's event", () => {
    expect(matchesExact(seed())).to.equal(true);
  });

  it("compares whole values ignoring case", () => {
    expect(matchesExact(seed({ username: "System:Anonymous", verb: "LIST", resource: "Pods", requestURI: "/API/V1/PODS" }))).to.equal(true);
    expect(matchesExact(seed({ username: "system:anonymous2" }))).to.equal(false);
    expect(matchesExact(seed({ username: "xsystem:anonymous" }))).to.equal(false);
    expect(matchesExact(seed({ verb: "lis" }))).to.equal(false);
    expect(matchesExact(seed({ resource: "pods/log" }))).to.equal(false);
  });

  it("does not accept the variants the seed misses", () => {
    expect(matchesExact(seed({ requestURI: "/api/v1/pods?limit=500" }))).to.equal(false);
    expect(matchesExact(seed({ requestURI: "/api/v1/pods/" }))).to.equal(false);
    expect(matchesExact(seed({ requestURI: "/api/v1/namespaces/default/pods" }))).to.equal(false);
    expect(matchesExact(seed({ verb: "watch" }))).to.equal(false);
    expect(matchesExact(seed({ username: "kube-hunter", groups: "system:unauthenticated" }))).to.equal(false);
  });

  it("matches a multivalue field when any value matches", () => {
    expect(matchesExact(seed({ username: ["alice", "system:anonymous"] }))).to.equal(true);
    expect(matchesExact(seed({ verb: ["get", "List"] }))).to.equal(true);
    expect(matchesExact(seed({ requestURI: ["/healthz", "/api/v1/pods"] }))).to.equal(true);
    expect(matchesExact(seed({ username: ["alice", "bob"] }))).to.equal(false);
  });

  it("never matches a missing field", () => {
    for (const field of ["username", "verb", "resource", "requestURI"] as const) {
      expect(matchesExact(seed({ [field]: "" })), field).to.equal(false);
      expect(matchesExact(seed({ [field]: [] })), field + " []").to.equal(false);
    }
  });
});

describe("detection: matchesBroad", () => {
  const positives: Array<[string, Partial<AuditEvent>]> = [
    ["the seed's event", {}],
    ["group system:unauthenticated without the anonymous user", { username: "someone", groups: "system:unauthenticated" }],
    ["the unauthenticated group among others", { username: "", groups: ["system:authenticated", "SYSTEM:UNAUTHENTICATED"] }],
    ["anonymous user without groups", { groups: "" }],
    ["kubectl's chunked list ?limit=500", { requestURI: "/api/v1/pods?limit=500" }],
    ["a watch by query string", { verb: "watch", requestURI: "/api/v1/pods?watch=true" }],
    ["the verb WATCH in capitals", { verb: "WATCH", requestURI: "/api/v1/pods?watch=1&resourceVersion=0" }],
    ["a trailing slash", { requestURI: "/api/v1/pods/" }],
    ["several trailing slashes and a query", { requestURI: "/api/v1/pods//?limit=1" }],
    ["percent-encoded letters", { requestURI: "/api/v1/%70%6Fds" }],
    ["upper case path", { requestURI: "/API/V1/PODS" }],
    ["namespace scope", { requestURI: "/api/v1/namespaces/default/pods" }],
    ["namespace scope with query and slash", { requestURI: "/api/v1/namespaces/kube-system/pods/?limit=500" }],
    ["namespace scope, encoded and mixed case", { requestURI: "/Api/v1/Namespaces/kube%2Dsystem/%50ODS" }],
    ["the old watch path, cluster scope", { verb: "watch", requestURI: "/api/v1/watch/pods" }],
    ["the old watch path, namespace scope", { verb: "watch", requestURI: "/api/v1/watch/namespaces/default/pods" }],
    ["objectRef.resource absent (the URI decides)", { resource: "" }],
    ["a multivalue URI with one pod list", { requestURI: ["/healthz", "/api/v1/namespaces/a/pods"] }],
  ];
  for (const [name, over] of positives) {
    it("matches " + name, () => {
      expect(matchesBroad(seed(over))).to.equal(true);
    });
  }

  const negatives: Array<[string, Partial<AuditEvent>]> = [
    ["an authenticated user", { username: "alice", groups: ["system:authenticated", "system:masters"] }],
    ["no user and no groups", { username: "", groups: "" }],
    ["a named pod", { verb: "get", requestURI: "/api/v1/namespaces/default/pods/web-0" }],
    ["a named pod even with verb list", { requestURI: "/api/v1/namespaces/default/pods/web-0" }],
    ["a pod's log", { requestURI: "/api/v1/namespaces/default/pods/web-0/log" }],
    ["a named pod watch", { verb: "watch", requestURI: "/api/v1/watch/namespaces/default/pods/web-0" }],
    ["/healthz", { verb: "get", requestURI: "/healthz" }],
    ["/livez with list", { requestURI: "/livez" }],
    ["/readyz?verbose", { requestURI: "/readyz?verbose" }],
    ["/version", { requestURI: "/version" }],
    ["/api/v1/pods as a query, not a path", { requestURI: "/healthz?x=/api/v1/pods" }],
    ["the verb get on the pod list", { verb: "get" }],
    ["the verb create on the pod list", { verb: "create" }],
    ["a missing verb", { verb: "" }],
    ["another resource", { resource: "secrets", requestURI: "/api/v1/secrets" }],
    ["a longer resource name", { requestURI: "/api/v1/podsx" }],
    ["another API group", { requestURI: "/apis/v1/pods" }],
    ["another version", { requestURI: "/api/v2/pods" }],
    ["an empty namespace", { requestURI: "/api/v1/namespaces//pods" }],
    ["a doubled slash inside", { requestURI: "/api//v1/pods" }],
    ["an encoded slash in the namespace", { requestURI: "/api/v1/namespaces/a%2Fb/pods" }],
    ["an encoded query mark", { requestURI: "/api/v1/pods%3Flimit=1" }],
    ["a relative path", { requestURI: "api/v1/pods" }],
    ["a missing URI", { requestURI: "" }],
    ["the root", { requestURI: "/" }],
  ];
  for (const [name, over] of negatives) {
    it("does not match " + name, () => {
      expect(matchesBroad(seed(over))).to.equal(false);
    });
  }
});

describe("detection: podListScope and matcherFor", () => {
  it("names the scope of each pod list", () => {
    expect(podListScope("/api/v1/pods")).to.equal("cluster");
    expect(podListScope("/api/v1/pods?limit=500")).to.equal("cluster");
    expect(podListScope("/api/v1/namespaces/ns1/pods")).to.equal("namespace");
    expect(podListScope("/api/v1/namespaces/ns1/pods/p")).to.equal("");
    expect(podListScope("/api/v1/namespaces/ns1")).to.equal("");
    expect(podListScope("/api/v1/namespaces/%zz/pods")).to.equal("namespace"); // malformed escape kept literal
    expect(podListScope("/api/v1/pods%zz")).to.equal("");
  });

  it("picks the matcher for a mode", () => {
    expect(matcherFor("exact")).to.equal(matchesExact);
    expect(matcherFor("broad")).to.equal(matchesBroad);
  });
});
