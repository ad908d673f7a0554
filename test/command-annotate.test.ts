import { expect } from "chai";
import { EVENT_FIELD_ORDER, EVENTS, PROD, RECORDS } from "./support/command-events";
import { replyBodies } from "./support/command-run";
import { Cell, readTable, Record, splunkdCsv, Table } from "./support/command-streams";

/** The events as streaming input with required_fields: `_chunked_idx` 0..n-1 after the other fields. */
const FIELDS = EVENT_FIELD_ORDER.concat(["_chunked_idx"]);
const INDEXED: Record[] = RECORDS.map((record, i) => ({ ...record, _chunked_idx: String(i) }));
const INPUT = splunkdCsv(INDEXED, FIELDS);
const INPUT_TABLE = readTable(INPUT);

const ENRICH = ["cluster", "outcome", "scope", "scanner", "risk_score"];

/** pod_scan then the enrich cells of each event E1..E8 (match=exact), worked out by hand. */
const ENRICHED_CELLS: Cell[][] = [
  ["1", "prod", "denied", "cluster", "curl", "25"],
  ["1", "prod", "allowed", "cluster", "kube-hunter", "75"],
  ["1", "staging", "denied", "cluster", "python-requests", "25"],
  ["0", "prod", "allowed", "cluster", "kubectl", ""],
  ["0", "staging", "denied", "namespace", "Go-http-client", ""],
  ["0", "prod", "denied", "", "curl", ""],
  ["1", "prod", "denied", "cluster", "curl", "25"],
  ["1", "prod", "denied", "cluster", "kubectl", "25"],
];

function flag(matched: boolean): string {
  return matched ? "1" : "0";
}

/** The input rows with cells appended, for the given event indexes. */
function expected(indexes: number[], added: string[], cells: (i: number) => Cell[]): Table {
  return {
    fields: INPUT_TABLE.fields.concat(added),
    rows: indexes.map((i) => INPUT_TABLE.rows[i].concat(cells(i))),
  };
}

const ALL = EVENTS.map((_, i) => i);

describe("command mode=annotate", () => {
  it("returns every event, every field and _chunked_idx unchanged, with pod_scan added", async () => {
    const [body] = await replyBodies(["mode=annotate"], [[true, INPUT]]);
    expect(readTable(body)).to.deep.equal(expected(ALL, ["pod_scan"], (i) => [flag(EVENTS[i].exact)]));
  });

  it("match=broad flags the anonymous namespace watch too", async () => {
    const [body] = await replyBodies(["mode=annotate", "match=broad"], [[true, INPUT]]);
    expect(readTable(body)).to.deep.equal(expected(ALL, ["pod_scan"], (i) => [flag(EVENTS[i].broad)]));
    expect(EVENTS.filter((e) => e.exact !== e.broad).map((e) => e.name)).to.deep.equal([
      "E5 anonymous watch of one namespace's pods (broad only)",
    ]);
  });

  it("enrich=true adds cluster, outcome, scope, scanner and risk_score per event", async () => {
    const [body] = await replyBodies(["mode=annotate", "enrich=true"], [[true, INPUT]]);
    expect(readTable(body)).to.deep.equal(expected(ALL, ["pod_scan"].concat(ENRICH), (i) => ENRICHED_CELLS[i]));
  });

  it("writes an annotated multivalue event byte for byte", async () => {
    const input = splunkdCsv([{ ...RECORDS[1], _chunked_idx: "0" }], FIELDS);
    const [body] = await replyBodies(["mode=annotate"], [[true, input]]);
    expect(body).to.equal(
      "_time,_raw,host,annotations.authorization.k8s.io/decision,objectRef.resource,requestURI,responseStatus.code," +
        "responseStatus.reason,source,sourceIPs{},user.groups{},user.username,userAgent,verb,_chunked_idx,pod_scan," +
        "__mv_sourceIPs{},__mv_user.groups{}\n" +
        '1599171200.5,"{""kind"":""Event"",""apiVersion"":""audit.k8s.io/v1"",""level"":""Metadata""}",cloudwatchlogs,' +
        `allow,pods,/api/v1/pods,200,,${PROD},"203.0.113.7\n10.0.12.7","system:unauthenticated\nsystem:authenticated",` +
        "system:anonymous,kube-hunter,list,0,1,$203.0.113.7$;$10.0.12.7$,$system:unauthenticated$;$system:authenticated$\n",
    );
  });

  it("answers each chunk with its own events, count in = count out, finished echoed", async () => {
    const chunks: Array<[boolean, string]> = [
      [false, splunkdCsv(INDEXED.slice(0, 3), FIELDS)],
      [false, splunkdCsv([], FIELDS)],
      [false, splunkdCsv(INDEXED.slice(3, 7), FIELDS)],
      [true, splunkdCsv(INDEXED.slice(7), FIELDS)],
    ];
    const bodies = await replyBodies(["mode=annotate"], chunks);
    expect(bodies.map((b) => readTable(b).rows.length)).to.deep.equal([3, 0, 4, 1]);
    const rows = bodies.reduce<Cell[][]>((all, b) => all.concat(readTable(b).rows), []);
    expect({ fields: readTable(bodies[0]).fields, rows }).to.deep.equal(expected(ALL, ["pod_scan"], (i) => [flag(EVENTS[i].exact)]));
  });

  it("overwrites a pod_scan field already present, in its place", async () => {
    const input = splunkdCsv(
      [{ pod_scan: "stale", ...RECORDS[0] }, { pod_scan: "stale", ...RECORDS[3] }],
      ["pod_scan"].concat(EVENT_FIELD_ORDER),
    );
    const [body] = await replyBodies(["mode=annotate"], [[true, input]]);
    const table = readTable(body);
    expect(table.fields).to.deep.equal(["pod_scan"].concat(EVENT_FIELD_ORDER));
    expect(table.rows.map((row) => row[0])).to.deep.equal(["1", "0"]);
  });

  it("reads \\r\\n line ends and events without any detection field", async () => {
    const input = '"_time",host,"__mv__time","__mv_host"\r\n"1599171244.277",web-1,,\r\n"1599171245",,,\r\n';
    const [body] = await replyBodies(["mode=annotate"], [[true, input]]);
    expect(body).to.equal("_time,host,pod_scan\n1599171244.277,web-1,0\n1599171245,,0\n");
  });
});

describe("command mode=filter", () => {
  it("returns only the matching events, annotated, _chunked_idx kept", async () => {
    const [body] = await replyBodies(["mode=filter"], [[true, INPUT]]);
    expect(readTable(body)).to.deep.equal(expected([0, 1, 2, 6, 7], ["pod_scan"], () => ["1"]));
  });

  it("match=broad and enrich=true", async () => {
    const [body] = await replyBodies(["mode=filter", "match=broad", "enrich=1"], [[true, INPUT]]);
    const broadCells = (i: number) => (i === 4 ? ["1", "staging", "denied", "namespace", "Go-http-client", "25"] : ENRICHED_CELLS[i]);
    expect(readTable(body)).to.deep.equal(expected([0, 1, 2, 4, 6, 7], ["pod_scan"].concat(ENRICH), broadCells));
  });

  it("answers a chunk without matches with its header only", async () => {
    const bodies = await replyBodies(["mode=filter"], [[false, splunkdCsv(INDEXED.slice(3, 6), FIELDS)], [true, INPUT]]);
    expect(bodies[0]).to.equal(FIELDS.concat(["pod_scan"]).join(",") + "\n");
    expect(readTable(bodies[1]).rows.map((row) => row[14])).to.deep.equal(["0", "1", "2", "6", "7"]);
  });
});
