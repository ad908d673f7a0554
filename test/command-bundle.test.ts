/**
 * The bundled app/bin/ekspodscan.js as splunkd runs it: a child process under the current node and
 * under node 8.17 (Splunk 8.x's), which must write the same bytes.
 */
import { expect } from "chai";
import { EksPodScanCommand } from "../src/command/ekspodscan";
import { EVENT_FIELD_ORDER, EXACT_ENRICHED_BODY, EXACT_RESULT_BODY, RECORDS } from "./support/command-events";
import { ProcessResult, needBundleAndNode8, runOnEveryNode } from "./support/command-process";
import { streamOf } from "./support/command-run";
import { emptyReply, getinfo, readReplies, readTable, reply, splunkdCsv, splunkdReserialise } from "./support/command-streams";
import { chunk } from "./support/scp-chunks";
import { runWhole } from "./support/scp-session";

const REPORTING_EXACT_META =
  '{"type":"reporting","required_fields":["_time","user.username","user.groups{}","verb","objectRef.resource",' +
  '"requestURI","source","sourceIPs{}","responseStatus.reason","responseStatus.code","userAgent",' +
  '"annotations.authorization.k8s.io/decision","src_ip","cluster_name","count","firstTime","lastTime",' +
  '"values(responseStatus.reason)","values(responseStatus.code)","values(userAgent)","values(verb)",' +
  '"values(requestURI)","values(annotations.authorization.k8s.io/decision)"],' +
  '"streaming_preop":"ekspodscan phase=map match=exact"}';
const STREAMING = chunk('{"type":"streaming"}');

function csv(records: typeof RECORDS): string {
  return splunkdCsv(records, EVENT_FIELD_ORDER);
}

/** The bundle under both nodes, and the command in-process: all three must write the same bytes. */
async function run(input: Buffer, options: { keepOpen?: boolean } = {}): Promise<ProcessResult> {
  const result = await runOnEveryNode(input, options);
  const inProcess = await runWhole(input, new EksPodScanCommand());
  expect(result.stdout.toString("utf8"), "bundle vs in-process stdout").to.equal(inProcess.output.toString("utf8"));
  expect(result.code, "bundle vs in-process exit code").to.equal(inProcess.code);
  return result;
}

function expectSuccess(result: ProcessResult, expected: Buffer): void {
  expect(result.stderr).to.equal("");
  expect(result.stdout.toString("utf8")).to.equal(expected.toString("utf8"));
  expect(result.code).to.equal(0);
}

describe("command bundle: app/bin/ekspodscan.js under the current node and node 8.17", function () {
  this.timeout(120000);

  needBundleAndNode8();

  it("answers a getinfo-only probe and exits 0 when stdin closes", async () => {
    expectSuccess(await run(getinfo([])), chunk(REPORTING_EXACT_META));
    expectSuccess(await run(getinfo(["phase=map"])), STREAMING);
  });

  it("mode=stats: several execute chunks, the seed's rows once at the end", async () => {
    const input = streamOf([], [[false, csv(RECORDS.slice(0, 4))], [false, csv([])], [true, csv(RECORDS.slice(4))]]);
    const expected = Buffer.concat([chunk(REPORTING_EXACT_META), emptyReply(false), emptyReply(false), reply(true, EXACT_RESULT_BODY)]);
    expectSuccess(await run(input), expected);
  });

  it("map phase in one process, reduce in another, through stdin and stdout", async () => {
    const partialBodies: string[] = [];
    for (const slice of [RECORDS.slice(0, 3), RECORDS.slice(3)]) {
      const map = await run(streamOf(["phase=map", "match=exact"], [[false, csv(slice.slice(0, 1))], [true, csv(slice.slice(1))]]));
      expect(map.code).to.equal(0);
      expect(map.stderr).to.equal("");
      const replies = readReplies(map.stdout);
      expect(replies.map((r) => r.metaText)).to.deep.equal(['{"type":"streaming"}', '{"finished":false}', '{"finished":true}']);
      expect(replies[1].body).to.equal("");
      partialBodies.push(replies[2].body);
    }
    const reduceInput = streamOf(["enrich=true"], [
      [false, splunkdReserialise([partialBodies[0]])],
      [true, splunkdReserialise([partialBodies[1]])],
    ]);
    const reduce = await run(reduceInput);
    const meta = readReplies(reduce.stdout)[0].metaText;
    expect(meta).to.equal(REPORTING_EXACT_META);
    expectSuccess(reduce, Buffer.concat([chunk(meta), emptyReply(false), reply(true, EXACT_ENRICHED_BODY)]));
  });

  it("mode=annotate: every event back with _chunked_idx, count in = count out", async () => {
    const fields = EVENT_FIELD_ORDER.concat(["_chunked_idx"]);
    const indexed = RECORDS.map((record, i) => ({ ...record, _chunked_idx: String(i) }));
    const result = await run(streamOf(["mode=annotate"], [[true, splunkdCsv(indexed, fields)]]));
    expect(result.code).to.equal(0);
    const table = readTable(readReplies(result.stdout)[1].body);
    expect(table.fields).to.deep.equal(fields.concat(["pod_scan"]));
    expect(table.rows.map((row) => [row[14], row[15]])).to.deep.equal([
      ["0", "1"], ["1", "1"], ["2", "1"], ["3", "0"], ["4", "0"], ["5", "0"], ["6", "1"], ["7", "1"],
    ]);
  });
});
