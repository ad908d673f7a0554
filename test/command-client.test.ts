// ekspodscan by=client: one row per (bare cluster, client address, user.username), where the client
// address is the last entry of sourceIPs{} (the only one the client cannot set), against the seed's
// grouping (by=seed), which splits one request into a row per X-Forwarded-For entry.
import { expect } from "chai";
import { EVENT_FIELD_ORDER, PROD, STAGING } from "./support/command-events";
import { replyBodies } from "./support/command-run";
import { FORGED, REMOTE, STREAMS, podList } from "./support/client-events";
import { mapPhaseArgs, parseOptions } from "../src/command/options";
import { Cell, Record, readTable, splunkdCsv, splunkdReserialise, Table } from "./support/command-streams";

const ANON = "system:anonymous";
const UNAUTH = "system:unauthenticated";
const BY_CODE_POINT = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

const CLIENT_COLUMNS = [
  "cluster", "src_ip", "user.username", "count", "firstTime", "lastTime", "forwarded_for", "cluster_name", "user.groups{}",
  "values(responseStatus.reason)", "values(responseStatus.code)", "values(userAgent)", "values(verb)", "values(requestURI)",
];
const ENRICHED = CLIENT_COLUMNS.concat(["outcome", "scope", "scanner", "risk_score"]);

/** Three API-server log streams of the one cluster "prod". */


const csv = (records: Record[]) => splunkdCsv(records, EVENT_FIELD_ORDER.filter((f) => f !== "_raw" && f !== "host"));

async function table(args: string[], records: Record[]): Promise<Table> {
  const [body] = await replyBodies(args, [[true, csv(records)]]);
  return readTable(body);
}

/** The map phase over each slice in its own process, then one reduce over splunkd's re-serialisation. */
async function mapReduce(slices: Record[][], mapArgs: string[], reduceArgs: string[]): Promise<Table> {
  const chunks: Array<[boolean, string]> = [];
  for (const slice of slices) {
    for (const body of await replyBodies(mapArgs, [[true, csv(slice)]])) if (body !== "") chunks.push([false, splunkdReserialise([body])]);
  }
  chunks.push([true, ""]);
  const bodies = await replyBodies(reduceArgs, chunks);
  return readTable(bodies[bodies.length - 1]);
}

const column = (t: Table, name: string) => t.rows.map((row) => row[t.fields.indexOf(name)]);

describe("command by=client: one request with 50 X-Forwarded-For entries", () => {
  const request = podList({ "sourceIPs{}": FORGED.concat([REMOTE]) });

  it("by=seed (the default) gives the seed's 51 rows, one per sourceIPs{} entry", async () => {
    const t = await table([], [request]);
    expect(t.rows).to.have.length(51);
    expect(column(t, "src_ip")).to.deep.equal(FORGED.concat([REMOTE]).sort(BY_CODE_POINT));
    expect(column(t, "count").every((c) => c === "1")).to.equal(true);
  });

  it("by=client gives 1 row: src_ip is the remote address, forwarded_for lists the 50", async () => {
    const t = await table(["match=broad", "by=client"], [request]);
    expect(t.fields).to.deep.equal(CLIENT_COLUMNS);
    expect(t.rows).to.deep.equal([
      ["prod", REMOTE, ANON, "1", "1599171244.277", "1599171244.277", FORGED.slice().sort(BY_CODE_POINT), PROD, UNAUTH,
        "Forbidden", "403", "curl/7.68.0", "list", "/api/v1/pods"],
    ]);
  });

  it("by=client through map and reduce, enriched: the same row, denied, risk 25", async () => {
    const t = await mapReduce([[request]], ["phase=map", "match=broad", "by=client"], ["match=broad", "by=client", "enrich=true"]);
    expect(t.fields).to.deep.equal(ENRICHED);
    expect(t.rows).to.have.length(1);
    expect(t.rows[0].slice(0, 3)).to.deep.equal(["prod", REMOTE, ANON]);
    expect(t.rows[0][6]).to.deep.equal(FORGED.slice().sort(BY_CODE_POINT));
    expect(t.rows[0].slice(14)).to.deep.equal(["denied", "cluster", "curl", "25"]);
  });
});

describe("command by=client: one scanner, one cluster, three log streams", () => {
  const requests = STREAMS.map((source, i) => podList({ source, _time: String(1599171244 + i) }));

  it("by=seed gives a row per stream; by=client gives 1 row whose cluster_name lists the 3 streams", async () => {
    expect(await table([], requests)).to.have.nested.property("rows.length", 3);
    const t = await table(["by=client"], requests);
    expect(t.rows).to.deep.equal([
      ["prod", REMOTE, ANON, "3", "1599171244", "1599171246", "", STREAMS.slice().sort(BY_CODE_POINT), UNAUTH,
        "Forbidden", "403", "curl/7.68.0", "list", "/api/v1/pods"],
    ]);
  });

  it("the same through three map processes (one per stream) and a reduce", async () => {
    const t = await mapReduce(requests.map((r) => [r]), ["phase=map", "match=broad", "by=client"], ["match=broad", "by=client"]);
    expect(t.rows).to.deep.equal((await table(["by=client"], requests)).rows);
  });
});

describe("command by=client: anonymous pod lists without user.groups", () => {
  const noGroups = podList({ "user.groups{}": "", "sourceIPs{}": "203.0.113.9", source: STAGING });

  it("are absent from the seed's rows (a missing by-field drops the event) and present in by=client rows", async () => {
    expect(await replyBodies([], [[true, csv([noGroups])]])).to.deep.equal([""]);
    const t = await table(["match=broad", "by=client", "enrich=true"], [noGroups, podList({})]);
    expect(column(t, "src_ip")).to.deep.equal([REMOTE, "203.0.113.9"]);
    expect(column(t, "cluster")).to.deep.equal(["prod", "staging"]);
    expect(column(t, "user.groups{}")).to.deep.equal([UNAUTH, ""]);
  });

  it("an allowed request scores 75; a request with no sourceIPs{} has no client and is dropped", async () => {
    const allowed = podList({ "responseStatus.code": "200", "responseStatus.reason": "", "annotations.authorization.k8s.io/decision": "allow" });
    const t = await table(["match=broad", "by=client", "enrich=true"], [allowed, podList({}), podList({ "sourceIPs{}": "" })]);
    expect(t.rows.map((row: Cell[]) => [row[3], row[14], row[17]])).to.deep.equal([["2", "allowed", "75"]]);
  });
});

describe("command by=client: options", () => {
  const rejection = (args: string[]) => {
    try {
      parseOptions(args);
    } catch (err) {
      return (err as Error).message;
    }
    return "accepted";
  };

  it("by takes seed (default) or client, only with mode=stats; the map phase is told by=client", () => {
    expect(parseOptions([]).by).to.equal("seed");
    expect(parseOptions(["by=Client"]).by).to.equal("client");
    expect(rejection(["by=cluster"])).to.equal('Invalid value for by: "cluster". Expected one of: seed, client.');
    expect(rejection(["mode=annotate", "by=client"])).to.equal("by=client applies only to mode=stats, not mode=annotate.");
    expect(mapPhaseArgs(parseOptions(["match=broad", "by=client", "enrich=t"]))).to.equal("phase=map match=broad by=client");
    expect(mapPhaseArgs(parseOptions(["by=seed"]))).to.equal("phase=map match=exact");
  });
});
