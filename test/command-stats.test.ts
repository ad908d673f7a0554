import { expect } from "chai";
import { EXACT_ENRICHED_BODY, EXACT_RESULT_BODY, BROAD_RESULT_BODY, EVENT_FIELD_ORDER, PROD, RECORDS, STAGING } from "./support/command-events";
import { EksPodScanCommand } from "../src/command/ekspodscan";
import { replyBodies, runCommand, streamOf } from "./support/command-run";
import { Cell, emptyReply, readReplies, readTable, Record, reply, splunkdCsv, splunkdReserialise, Table } from "./support/command-streams";
import { bytePieces, chunk, errorReply } from "./support/scp-chunks";
import { runPieces, runWhole } from "./support/scp-session";

const SEED_FIELDS = [
  "src_ip", "cluster_name", "user.username", "user.groups{}", "count", "firstTime", "lastTime",
  "values(responseStatus.reason)", "values(responseStatus.code)", "values(userAgent)", "values(verb)", "values(requestURI)",
];
const PARTIAL_FIELDS = SEED_FIELDS.concat(["values(annotations.authorization.k8s.io/decision)"]);

const ANON = "system:anonymous";
const UNAUTH = "system:unauthenticated";
const AUTH = "system:authenticated";

/** The map phase's partial rows over all of RECORDS (match=exact), in no particular order. */
const ALL_PARTIALS: Cell[][] = [
  ["203.0.113.7", PROD, ANON, UNAUTH, "3", "1599171200.5", "1599171250.0", "Forbidden", ["200", "403"],
    ["curl/7.68.0", "kube-hunter", "kubectl/v1.18.0"], "list", "/api/v1/pods", ["allow", "forbid"]],
  ["203.0.113.7", PROD, ANON, AUTH, "1", "1599171200.5", "1599171200.5", "", "200", "kube-hunter", "list", "/api/v1/pods", "allow"],
  ["10.0.12.7", PROD, ANON, UNAUTH, "1", "1599171200.5", "1599171200.5", "", "200", "kube-hunter", "list", "/api/v1/pods", "allow"],
  ["10.0.12.7", PROD, ANON, AUTH, "1", "1599171200.5", "1599171200.5", "", "200", "kube-hunter", "list", "/api/v1/pods", "allow"],
  ["198.51.100.23", STAGING, ANON, UNAUTH, "1", "1599171300", "1599171300", "Forbidden", "403", "python-requests/2.31.0",
    "LIST", "/api/v1/pods", "forbid"],
];

function csv(records: Record[]): string {
  return splunkdCsv(records, EVENT_FIELD_ORDER);
}

/** Only the CSV header of the events, as splunkd sends in a header-only chunk. */
const EVENTS_HEADER_ONLY = csv([]);

function sorted(rows: Cell[][]): string[] {
  return rows.map((row) => JSON.stringify(row)).sort();
}

function expectPartials(body: string, rows: Cell[][]): void {
  const table: Table = readTable(body);
  expect(table.fields).to.deep.equal(PARTIAL_FIELDS);
  expect(sorted(table.rows)).to.deep.equal(sorted(rows));
}

const byFields = (row: Cell[]) => JSON.stringify(row.slice(0, 4));

describe("command mode=stats: one reduce process fed the raw events (no pre-op ran)", () => {
  it("emits the seed's rows exactly: columns in seed order, sorted values, count, first/last time", async () => {
    const bodies = await replyBodies([], [[true, csv(RECORDS)]]);
    expect(bodies).to.deep.equal([EXACT_RESULT_BODY]);
  });

  it("match=broad adds the anonymous namespace watch", async () => {
    expect(await replyBodies(["match=broad"], [[true, csv(RECORDS)]])).to.deep.equal([BROAD_RESULT_BODY]);
  });

  it("enrich=true appends cluster, outcome, scope, scanner and risk_score", async () => {
    expect(await replyBodies(["enrich=true"], [[true, csv(RECORDS)]])).to.deep.equal([EXACT_ENRICHED_BODY]);
  });

  it("replies with an empty finished chunk when nothing matches", async () => {
    const nonMatching = RECORDS.filter((_, i) => [3, 4, 5].indexOf(i) >= 0);
    const run = await runCommand([], [[true, csv(nonMatching)]]);
    expect(run.output.subarray(run.output.length - 34).toString("latin1")).to.equal('chunked 1.0,17,0\n{"finished":true}');
  });

  it("an event with no src_ip counts nowhere (E7 alone gives no row)", async () => {
    expect(await replyBodies([], [[true, csv([RECORDS[6]])]])).to.deep.equal([""]);
  });
});

describe("command mode=stats: what splunkd's CSV may vary", () => {
  it("reads \\r\\n line ends", async () => {
    expect(await replyBodies([], [[true, csv(RECORDS).replace(/\n/g, "\r\n")]])).to.deep.equal([EXACT_RESULT_BODY]);
  });

  it("reads each chunk's columns by name: other fields, another order, one field missing", async () => {
    const withoutAgent = EVENT_FIELD_ORDER.filter((f) => f !== "userAgent");
    const chunks: Array<[boolean, string]> = [
      [false, splunkdCsv([RECORDS[0]], withoutAgent)],
      [true, splunkdCsv(RECORDS.slice(1), EVENT_FIELD_ORDER.slice().reverse())],
    ];
    // E1's curl/7.68.0 was not sent, so its group lists only the other two agents.
    const expected = EXACT_RESULT_BODY.replace(
      '"curl/7.68.0\nkube-hunter\nkubectl/v1.18.0",list,/api/v1/pods,$200$;$403$,$curl/7.68.0$;$kube-hunter$;$kubectl/v1.18.0$',
      '"kube-hunter\nkubectl/v1.18.0",list,/api/v1/pods,$200$;$403$,$kube-hunter$;$kubectl/v1.18.0$',
    );
    expect(expected).to.not.equal(EXACT_RESULT_BODY);
    expect(await replyBodies([], chunks)).to.deep.equal(["", expected]);
  });
});

describe("command mode=stats: a reduce fed several execute chunks (the Python SDK's trap)", () => {
  const chunks: Array<[boolean, string]> = [
    [false, csv(RECORDS.slice(0, 2))],
    [false, EVENTS_HEADER_ONLY],
    [false, csv(RECORDS.slice(2, 6))],
    [false, ""],
    [true, csv(RECORDS.slice(6))],
  ];

  it("answers each non-final chunk with exactly {\"finished\":false} and emits all rows once, at the end", async () => {
    const run = await runCommand([], chunks);
    const afterGetinfo = run.output.subarray(run.output.indexOf("}chunked 1.0,18,0") + 1);
    expect(afterGetinfo.toString("utf8")).to.equal(
      Buffer.concat([emptyReply(false), emptyReply(false), emptyReply(false), emptyReply(false), reply(true, EXACT_RESULT_BODY)]).toString("utf8"),
    );
    expect(emptyReply(false).toString("latin1")).to.equal('chunked 1.0,18,0\n{"finished":false}');
  });

  it("does not duplicate a group seen in several chunks: one row, the counts summed", async () => {
    const [body] = (await replyBodies([], chunks)).slice(-1);
    const table = readTable(body);
    const keys = table.rows.map(byFields);
    expect(keys.length).to.equal(new Set(keys).size);
    expect(table.rows.map((row) => row[4])).to.deep.equal(["1", "1", "1", "1", "3"]);
  });

  it("gives the same rows wherever the events are cut into two chunks", async () => {
    for (let cut = 0; cut <= RECORDS.length; cut++) {
      const bodies = await replyBodies([], [[false, csv(RECORDS.slice(0, cut))], [true, csv(RECORDS.slice(cut))]]);
      expect(bodies, `cut at ${cut}`).to.deep.equal(["", EXACT_RESULT_BODY]);
    }
  });

  it("answers the same bytes when stdin hands the stream over one byte at a time", async () => {
    const stream = streamOf([], chunks);
    const whole = await runWhole(stream, new EksPodScanCommand());
    const bytewise = await runPieces(bytePieces(stream), new EksPodScanCommand());
    expect(bytewise.code).to.equal(0);
    expect(bytewise.output.toString("utf8")).to.equal(whole.output.toString("utf8"));
    expect(readReplies(bytewise.output).map((r) => r.body)).to.deep.equal(["", "", "", "", "", EXACT_RESULT_BODY]);
  });

  it("gives the same rows when the last chunk is header-only or empty", async () => {
    expect(await replyBodies([], [[false, csv(RECORDS)], [true, EVENTS_HEADER_ONLY]])).to.deep.equal(["", EXACT_RESULT_BODY]);
    expect(await replyBodies([], [[false, csv(RECORDS)], [true, ""]])).to.deep.equal(["", EXACT_RESULT_BODY]);
  });
});

describe("command mode=stats phase=map: partial aggregates", () => {
  it("emits one partial row per group, with the authorizer decisions for enrich", async () => {
    const [body] = await replyBodies(["phase=map", "match=exact"], [[true, csv(RECORDS)]]);
    expectPartials(body, ALL_PARTIALS);
  });

  it("writes a partial row byte for byte", async () => {
    const bodies = await replyBodies(["phase=map"], [[true, csv([RECORDS[0], RECORDS[7]])]]);
    expect(bodies).to.deep.equal([
      PARTIAL_FIELDS.join(",") + ",__mv_values(userAgent)\n" +
        `203.0.113.7,${PROD},${ANON},${UNAUTH},2,1599171244.277,1599171250.0,Forbidden,403,` +
        `"curl/7.68.0\nkubectl/v1.18.0",list,/api/v1/pods,forbid,$curl/7.68.0$;$kubectl/v1.18.0$\n`,
    ]);
  });

  it("a row the fast path leaves to the events (an exponent in _time) gives its group a second partial row, which the reduce merges", async () => {
    const slow = { ...RECORDS[0], _time: "1599171299.5e0", userAgent: "zgrab/0.x" };
    const [body] = await replyBodies(["phase=map"], [[true, csv([RECORDS[0], slow])]]);
    const group = ["203.0.113.7", PROD, ANON, UNAUTH];
    const rest = ["Forbidden", "403"];
    expectPartials(body, [
      group.concat(["1", "1599171244.277", "1599171244.277"], rest, ["curl/7.68.0", "list", "/api/v1/pods", "forbid"]),
      group.concat(["1", "1599171299.5e0", "1599171299.5e0"], rest, ["zgrab/0.x", "list", "/api/v1/pods", "forbid"]),
    ]);
    const [result] = await replyBodies([], [[true, splunkdReserialise([body])]]);
    const merged: Cell[] = [...group, "2", "1599171244.277", "1599171299.5e0", ...rest, ["curl/7.68.0", "zgrab/0.x"], "list", "/api/v1/pods"];
    expect(readTable(result).rows).to.deep.equal([merged]);
  });

  it("holds partials across chunks and emits them once, on finished", async () => {
    const bodies = await replyBodies(["phase=map"], [
      [false, csv(RECORDS.slice(0, 3))],
      [false, EVENTS_HEADER_ONLY],
      [false, csv(RECORDS.slice(3, 7))],
      [true, csv(RECORDS.slice(7))],
    ]);
    expect(bodies.slice(0, 3)).to.deep.equal(["", "", ""]);
    expectPartials(bodies[3], ALL_PARTIALS);
  });

  it("emits nothing when nothing matches", async () => {
    expect(await replyBodies(["phase=map"], [[false, csv(RECORDS.slice(3, 6))], [true, ""]])).to.deep.equal(["", ""]);
  });

  it("flushes early once it holds maxresultrows groups (3 here), then starts afresh", async () => {
    for (const maxresultrows of [3, "3"]) {
      const bodies = await replyBodies(
        ["phase=map"],
        [[false, csv([RECORDS[0]])], [false, csv([RECORDS[1]])], [false, csv([RECORDS[2]])], [true, csv([RECORDS[7]])]],
        { maxresultrows },
      );
      expect(bodies[0], String(maxresultrows)).to.equal("");
      // E1 and E2 make 4 groups (E1's is one of E2's four): over the limit, flushed.
      expectPartials(bodies[1], [
        ["203.0.113.7", PROD, ANON, UNAUTH, "2", "1599171200.5", "1599171244.277", "Forbidden", ["200", "403"],
          ["curl/7.68.0", "kube-hunter"], "list", "/api/v1/pods", ["allow", "forbid"]],
        ALL_PARTIALS[1], ALL_PARTIALS[2], ALL_PARTIALS[3],
      ]);
      expect(bodies[2]).to.equal("");
      expectPartials(bodies[3], [
        ALL_PARTIALS[4],
        ["203.0.113.7", PROD, ANON, UNAUTH, "1", "1599171250.0", "1599171250.0", "Forbidden", "403", "kubectl/v1.18.0",
          "list", "/api/v1/pods", "forbid"],
      ]);
    }
  });

  it("flushes when the groups reach maxresultrows exactly, and holds below it", async () => {
    const e2 = csv([RECORDS[1]]);
    const atLimit = await replyBodies(["phase=map"], [[false, e2], [true, ""]], { maxresultrows: 4 });
    expectPartials(atLimit[0], ALL_PARTIALS.slice(1, 4).concat([
      ["203.0.113.7", PROD, ANON, UNAUTH, "1", "1599171200.5", "1599171200.5", "", "200", "kube-hunter", "list", "/api/v1/pods", "allow"],
    ]));
    expect(atLimit[1]).to.equal("");
    const below = await replyBodies(["phase=map"], [[false, e2], [true, ""]], { maxresultrows: 5 });
    expect(below[0]).to.equal("");
    expect(readTable(below[1]).rows.length).to.equal(4);
  });
});

/** Runs map processes over slices of the events, then one reduce over their re-serialised outputs. */
async function mapReduce(
  slices: Array<Array<[boolean, string]>>,
  reduceArgs: string[],
  mapArgs: string[],
  options: { maxresultrows?: number; dropEmptyColumns?: boolean; reverseColumns?: boolean } = {},
): Promise<string[]> {
  const reduceChunks: Array<[boolean, string]> = [];
  for (const slice of slices) {
    const bodies = await replyBodies(mapArgs, slice, { maxresultrows: options.maxresultrows });
    for (const body of bodies) if (body !== "") reduceChunks.push([false, splunkdReserialise([body], options)]);
  }
  reduceChunks.push([true, PARTIAL_FIELDS.map((f) => `"${f}"`).join(",") + "\n"]); // header-only last chunk
  return replyBodies(reduceArgs, reduceChunks);
}

describe("command mode=stats: map phase, then reduce, equals one reduce over the raw events", () => {
  it("one map process, its output re-serialised by splunkd", async () => {
    const [partials] = await replyBodies(["phase=map", "match=exact"], [[true, csv(RECORDS)]]);
    expect(await replyBodies([], [[true, splunkdReserialise([partials])]])).to.deep.equal([EXACT_RESULT_BODY]);
    // and fed straight, without splunkd's round trip
    expect(await replyBodies([], [[true, partials]])).to.deep.equal([EXACT_RESULT_BODY]);
  });

  const slices: Array<Array<[boolean, string]>> = [
    [[false, csv(RECORDS.slice(0, 1))], [true, csv(RECORDS.slice(1, 2))]],
    [[false, EVENTS_HEADER_ONLY], [true, csv(RECORDS.slice(2, 5))]],
    [[true, csv(RECORDS.slice(5))]],
  ];

  for (const maxresultrows of [50000, 2, 1]) {
    it(`three map processes over slices (maxresultrows ${maxresultrows}), several reduce chunks`, async () => {
      const bodies = await mapReduce(slices, [], ["phase=map", "match=exact"], { maxresultrows });
      expect(bodies[bodies.length - 1]).to.equal(EXACT_RESULT_BODY);
      expect(bodies.slice(0, -1).every((b) => b === "")).to.equal(true);
    });
  }

  it("match=broad and enrich=true through map and reduce", async () => {
    const broad = await mapReduce(slices, ["match=broad"], ["phase=map", "match=broad"]);
    expect(broad[broad.length - 1]).to.equal(BROAD_RESULT_BODY);
    const enriched = await mapReduce(slices, ["enrich=t"], ["phase=map", "match=exact"], { maxresultrows: 2 });
    expect(enriched[enriched.length - 1]).to.equal(EXACT_ENRICHED_BODY);
  });

  it("whatever order splunkd writes the partial columns in", async () => {
    const bodies = await mapReduce(slices, [], ["phase=map"], { reverseColumns: true });
    expect(bodies[bodies.length - 1]).to.equal(EXACT_RESULT_BODY);
  });

  // splunkd cannot tell an empty CSV value from a missing field, so a partial column that is empty
  // in every row of a map output (no reason when every request was allowed, no decision annotation
  // on older clusters) can be missing from what the reduce receives. The reduce must still see
  // partials, not raw events.
  it("when splunkd leaves out a partial column that is empty in every row", async () => {
    const onlyAllowed: Array<Array<[boolean, string]>> = [[[true, csv([RECORDS[1]])]]];
    const bodies = await mapReduce(onlyAllowed, [], ["phase=map"], { dropEmptyColumns: true });
    expect(bodies[bodies.length - 1]).to.equal(
      SEED_FIELDS.join(",") + "\n" +
        `10.0.12.7,${PROD},${ANON},${AUTH},1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods\n` +
        `10.0.12.7,${PROD},${ANON},${UNAUTH},1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods\n` +
        `203.0.113.7,${PROD},${ANON},${AUTH},1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods\n` +
        `203.0.113.7,${PROD},${ANON},${UNAUTH},1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods\n`,
    );
  });

  it("the whole reduce stream is answered byte for byte", async () => {
    const [partials] = await replyBodies(["phase=map"], [[true, csv(RECORDS)]]);
    const run = await runCommand([], [[false, splunkdReserialise([partials])], [true, ""]]);
    const getinfoReply = chunk(readReplies(run.output)[0].metaText);
    expect(run.output.toString("utf8")).to.equal(
      Buffer.concat([getinfoReply, emptyReply(false), reply(true, EXACT_RESULT_BODY)]).toString("utf8"),
    );
  });
});

describe("command mode=stats: an execute chunk after the one marked finished", () => {
  const AFTER_FINISHED = "an execute chunk came after the one marked finished: splunkd sends no more, so these rows would be counted twice";

  for (const args of [[], ["phase=map"]]) {
    it(`${args.join(" ") || "reduce"}: answered with an error, never with the rows again`, async () => {
      const first = await runCommand(args, [[true, csv(RECORDS)]]);
      const result = await runWhole(streamOf(args, [[true, csv(RECORDS)], [true, csv(RECORDS)]]), new EksPodScanCommand());
      expect(result.output.toString("utf8")).to.equal(Buffer.concat([first.output, errorReply(AFTER_FINISHED)]).toString("utf8"));
      expect(result.code).to.equal(1);
      expect(result.logs).to.deep.equal([`error: ${AFTER_FINISHED}`]);
    });
  }

  it("an unfinished chunk after it is an error too", async () => {
    const first = await runCommand([], [[true, csv(RECORDS)]]);
    const result = await runWhole(streamOf([], [[true, csv(RECORDS)], [false, ""]]), new EksPodScanCommand());
    expect(result.output.toString("utf8")).to.equal(Buffer.concat([first.output, errorReply(AFTER_FINISHED)]).toString("utf8"));
    expect(result.code).to.equal(1);
  });
});
