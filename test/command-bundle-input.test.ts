/**
 * The bundle fed real splunkd streams (../shared/recordings/scpv2/, read in place) and bad input,
 * under the current node and node 8.17: exact replies, exit codes and stderr, and never a hang.
 */
import { expect } from "chai";
import { ProcessResult, needBundleAndNode8, runOnEveryNode } from "./support/command-process";
import { Cell, emptyReply, execute, getinfo, readReplies, readTable, recordsOf, splunkdCsv } from "./support/command-streams";
import { chunk, errorReply, RawChunk, readRecording, splitChunks } from "./support/scp-chunks";

/** The exact bytes of a recorded chunk, header line included. */
function rawBytes(c: RawChunk): Buffer {
  return Buffer.concat([Buffer.from(c.header + "\n", "latin1"), Buffer.from(c.metaText, "utf8"), c.body]);
}

function executesOf(recording: string): RawChunk[] {
  const chunks = splitChunks(readRecording(recording));
  expect(chunks[0].meta.action).to.equal("getinfo");
  return chunks.slice(1);
}

/** The same events as splunkd sends them with required_fields: a `_chunked_idx` column 0..n-1. */
function withChunkedIdx(body: Buffer): string {
  const table = readTable(body);
  const records = recordsOf(table).map((record, i) => ({ ...record, _chunked_idx: String(i) }));
  return splunkdCsv(records, table.fields.concat(["_chunked_idx"]));
}

function expectError(result: ProcessResult, before: Buffer, message: string): void {
  expect(result.stdout.toString("utf8")).to.equal(Buffer.concat([before, errorReply(message)]).toString("utf8"));
  expect(result.code).to.equal(1);
  expect(result.stderr.split("\n")[0]).to.equal(`ekspodscan: error: ${message}`);
}

/** Annotated replies hold the request's rows unchanged, pod_scan "0" appended (nothing here is EKS). */
function expectAnnotated(requests: Array<{ finished: boolean; body: string | Buffer }>, result: ProcessResult): number[] {
  expect(result.stderr).to.equal("");
  expect(result.code).to.equal(0);
  const replies = readReplies(result.stdout);
  const counts: number[] = [];
  expect(replies.length).to.equal(requests.length + 1);
  expect(replies[0].metaText).to.equal('{"type":"streaming"}');
  requests.forEach((request, i) => {
    const answer = replies[i + 1];
    expect(answer.metaText, `reply ${i + 1}`).to.equal(`{"finished":${request.finished}}`);
    const input = readTable(request.body);
    const output = readTable(answer.body);
    expect(output.fields, `reply ${i + 1} fields`).to.deep.equal(input.fields.concat(["pod_scan"]));
    expect(output.rows.length, `reply ${i + 1}: count in = count out`).to.equal(input.rows.length);
    expect(output.rows, `reply ${i + 1} rows`).to.deep.equal(input.rows.map((row: Cell[]) => row.concat(["0"])));
    counts.push(output.rows.length);
  });
  return counts;
}

describe("command bundle: real splunkd recordings", function () {
  this.timeout(120000);

  needBundleAndNode8();

  it("countmatches.input: its arguments are not ours, so getinfo gets the exact error chunk and exit 1", async () => {
    const result = await runOnEveryNode(readRecording("countmatches.input"));
    expectError(result, Buffer.alloc(0), 'Unrecognized option "fieldname". Valid options: mode, match, enrich, by.');
    expect(result.stderr).to.equal('ekspodscan: error: Unrecognized option "fieldname". Valid options: mode, match, enrich, by.\n');
  });

  it("multibyte.input: no arguments, so mode=stats; nothing matches; one reply per chunk, exit 0", async () => {
    const result = await runOnEveryNode(readRecording("multibyte.input"));
    expect(result.stderr).to.equal("");
    expect(result.code).to.equal(0);
    const replies = readReplies(result.stdout);
    expect(replies[0].meta.type).to.equal("reporting");
    const rest = result.stdout.subarray(rawBytes(splitChunks(result.stdout)[0]).length);
    const expected = [];
    for (let i = 0; i < 8; i++) expected.push(emptyReply(false));
    expected.push(emptyReply(true));
    expect(rest.toString("latin1")).to.equal(Buffer.concat(expected).toString("latin1"));
  });

  it("countmatches' execute chunk under mode=annotate: 500 tweets back unchanged, multibyte text intact", async () => {
    const executes = executesOf("countmatches.input");
    const input = Buffer.concat([getinfo(["mode=annotate"])].concat(executes.map(rawBytes)));
    const result = await runOnEveryNode(input);
    expectAnnotated(executes.map((c) => ({ finished: c.meta.finished === true, body: c.body })), result);
    const body = readReplies(result.stdout)[1].body;
    expect(readTable(body).rows.length).to.equal(500);
    expect(body).to.contain("Tú novia te ama mucho");
    expect(body).to.contain("요즘은 곡안쓰시고 귀농하시는군요 ㅋㅋ");
  });

  it("multibyte's nine execute chunks under mode=annotate: count in = count out, bytes round-trip", async () => {
    const executes = executesOf("multibyte.input");
    expect(executes.map((c) => c.meta.finished)).to.deep.equal([false, false, false, false, false, false, false, false, true]);
    const result = await runOnEveryNode(Buffer.concat([getinfo(["mode=annotate"])].concat(executes.map(rawBytes))));
    expectAnnotated(executes.map((c) => ({ finished: c.meta.finished === true, body: c.body })), result);
    // "ทt" is 4 bytes and 2 UTF-16 units: every row comes back with it, byte for byte, then pod_scan.
    const rowEnd = Buffer.from("\u0e17t,0\n", "utf8");
    splitChunks(result.stdout).slice(1).forEach((reply, i) => {
      let found = 0;
      for (let at = reply.body.indexOf(rowEnd); at >= 0; at = reply.body.indexOf(rowEnd, at + 1)) found++;
      expect(found, `reply ${i + 1}`).to.equal(readTable(executes[i].body).rows.length);
    });
  });

  it("sum.map.input and sum.reduce.input: the SDK's sum arguments are refused exactly", async () => {
    for (const name of ["sum.map.input", "sum.reduce.input"]) {
      const result = await runOnEveryNode(readRecording(name));
      expectError(result, Buffer.alloc(0), 'Unrecognized option "total". Valid options: mode, match, enrich, by.');
    }
  });

  it("sum.map.input's 16 MB execute chunk: as our map phase (nothing matches) and under mode=annotate", async () => {
    const executes = executesOf("sum.map.input");
    expect(executes.length).to.equal(1);
    const map = await runOnEveryNode(Buffer.concat([getinfo(["phase=map"]), rawBytes(executes[0])]));
    expect(map.stdout.toString("latin1")).to.equal(Buffer.concat([chunk('{"type":"streaming"}'), emptyReply(true)]).toString("latin1"));
    expect(map.code).to.equal(0);
    const annotated = await runOnEveryNode(Buffer.concat([getinfo(["mode=annotate"]), rawBytes(executes[0])]));
    expect(expectAnnotated([{ finished: true, body: executes[0].body }], annotated)).to.deep.equal([50000]);
  });

  it("the recordings' events with _chunked_idx added (as with required_fields): kept unchanged", async () => {
    const executes = executesOf("countmatches.input").concat(executesOf("multibyte.input").slice(0, 2));
    const requests = executes.map((c, i) => ({ finished: i === executes.length - 1, body: withChunkedIdx(c.body) }));
    const input = Buffer.concat([getinfo(["mode=annotate"])].concat(requests.map((r) => execute(r.finished, r.body))));
    const result = await runOnEveryNode(input);
    expectAnnotated(requests, result);
    const first = readTable(readReplies(result.stdout)[1].body);
    const idx = first.fields.indexOf("_chunked_idx");
    expect(first.rows.map((row) => row[idx])).to.deep.equal(first.rows.map((_, i) => String(i)));
  });
});

describe("command bundle: bad input gives the exact error chunk, a message on stderr, exit 1, no hang", function () {
  this.timeout(120000);

  needBundleAndNode8();

  const STREAMING = chunk('{"type":"streaming"}');

  it("a stream truncated inside an execute chunk", async () => {
    const cut = execute(true, "a,b\n1,2\n").subarray(0, 50);
    const result = await runOnEveryNode(Buffer.concat([getinfo(["mode=annotate"]), cut]));
    expectError(result, STREAMING, "input ended inside chunk 2: got 33 of 44 bytes");
  });

  it("a stream truncated inside a header", async () => {
    const result = await runOnEveryNode(Buffer.concat([getinfo(["mode=annotate"]), Buffer.from("chunked 1.0,3")]));
    expectError(result, STREAMING, 'input ended inside a chunk header: "chunked 1.0,3"');
  });

  it("a garbage header, with stdin left open", async () => {
    const result = await runOnEveryNode(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), { keepOpen: true });
    expectError(result, Buffer.alloc(0), 'expected a chunk header "chunked 1.0,<n>,<n>", got "GET / HTTP/1.1"');
  });

  it("metadata that is not JSON, with stdin left open", async () => {
    const result = await runOnEveryNode(chunk('{"action":"getinfo",'), { keepOpen: true });
    expectError(result, Buffer.alloc(0), 'chunk 1 metadata is not JSON: "{\\"action\\":\\"getinfo\\","');
  });

  it("a negative or oversized length", async () => {
    expectError(
      await runOnEveryNode(Buffer.from("chunked 1.0,-5,0\n"), { keepOpen: true }),
      Buffer.alloc(0),
      'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 1.0,-5,0"',
    );
    expectError(
      await runOnEveryNode(Buffer.from("chunked 1.0,99999999999,0\n"), { keepOpen: true }),
      Buffer.alloc(0),
      "chunk metadata of 99999999999 bytes exceeds the limit of 16777216",
    );
  });

  it("an execute chunk before getinfo, and a second getinfo", async () => {
    expectError(
      await runOnEveryNode(execute(true, "a\n1\n"), { keepOpen: true }),
      Buffer.alloc(0),
      'expected a getinfo chunk first, got action "execute"',
    );
    const twice = await runOnEveryNode(Buffer.concat([getinfo(["mode=filter"]), getinfo(["mode=filter"])]), { keepOpen: true });
    expectError(twice, STREAMING, 'expected an execute chunk, got action "getinfo"');
  });

  it("an unclosed quote in the CSV body", async () => {
    const result = await runOnEveryNode(Buffer.concat([getinfo(["mode=annotate"]), execute(false, 'a,b\n"x,1\n')]), { keepOpen: true });
    expectError(result, STREAMING, "CSV row 1: a quoted value is never closed");
  });

  it("a partial row without a valid count in the reduce phase: the user's error, no stack", async () => {
    const header =
      "src_ip,cluster_name,user.username,user.groups{},count,firstTime,lastTime,values(responseStatus.reason)," +
      "values(responseStatus.code),values(userAgent),values(verb),values(requestURI)," +
      "values(annotations.authorization.k8s.io/decision)\n";
    const result = await runOnEveryNode(Buffer.concat([getinfo([]), execute(true, header + "1.2.3.4,c,u,g,x,1,1,,,,,,\n")]));
    const getinfoReply = chunk(readReplies(result.stdout)[0].metaText);
    expectError(result, getinfoReply, `row 1 of the map phase's output has no valid count: "x"`);
    expect(result.stderr).not.to.contain("    at ");
  });

  it("an empty stdin: no output, exit 0", async () => {
    const result = await runOnEveryNode(Buffer.alloc(0));
    expect(result.stdout.length).to.equal(0);
    expect(result.stderr).to.equal("");
    expect(result.code).to.equal(0);
  });
});
