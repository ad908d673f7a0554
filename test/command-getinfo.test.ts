import { expect } from "chai";
import { EksPodScanCommand } from "../src/command/ekspodscan";
import { getinfo } from "./support/command-streams";
import { chunk } from "./support/scp-chunks";
import { runWhole } from "./support/scp-session";

/** The fields the reduce phase declares: the detection's event fields, then the partial columns. */
const REQUIRED_FIELDS =
  '["_time","user.username","user.groups{}","verb","objectRef.resource","requestURI","source","sourceIPs{}",' +
  '"responseStatus.reason","responseStatus.code","userAgent","annotations.authorization.k8s.io/decision",' +
  '"src_ip","cluster_name","count","firstTime","lastTime","values(responseStatus.reason)",' +
  '"values(responseStatus.code)","values(userAgent)","values(verb)","values(requestURI)",' +
  '"values(annotations.authorization.k8s.io/decision)"]';

function reporting(match: string): Buffer {
  return chunk(`{"type":"reporting","required_fields":${REQUIRED_FIELDS},"streaming_preop":"ekspodscan phase=map match=${match}"}`);
}

const STREAMING = chunk('{"type":"streaming"}');

async function getinfoReply(args: string[], recorderShape = false): Promise<string> {
  const result = await runWhole(getinfo(args, { recorderShape }), new EksPodScanCommand());
  expect(result.code, args.join(" ")).to.equal(0);
  expect(result.logs).to.deep.equal([]);
  return result.output.toString("utf8");
}

describe("command getinfo replies (exact bytes)", () => {
  it("mode=stats (the default): a reporting command with required_fields and a map-phase pre-op", async () => {
    const expected = reporting("exact").toString("utf8");
    expect(expected.slice(0, 18)).to.equal("chunked 1.0,524,0\n");
    expect(await getinfoReply([])).to.equal(expected);
    expect(await getinfoReply(["mode=stats"])).to.equal(expected);
    expect(await getinfoReply(["match=exact", "phase=reduce"])).to.equal(expected);
  });

  it("carries match=broad into the pre-op, and keeps enrich to the reduce phase", async () => {
    expect(await getinfoReply(["match=broad"])).to.equal(reporting("broad").toString("utf8"));
    expect(await getinfoReply(["MATCH=Broad", "enrich=t"])).to.equal(reporting("broad").toString("utf8"));
    expect(await getinfoReply(["enrich=true"])).to.equal(reporting("exact").toString("utf8"));
  });

  it("phase=map: plain streaming, without required_fields", async () => {
    expect(await getinfoReply(["phase=map", "match=exact"])).to.equal(STREAMING.toString("utf8"));
    expect(await getinfoReply(["phase=map", "match=broad"])).to.equal(STREAMING.toString("utf8"));
  });

  it("mode=annotate and mode=filter: streaming", async () => {
    for (const args of [["mode=annotate"], ["mode=filter"], ["mode=annotate", "enrich=1", "match=broad"], ["mode=FILTER"]]) {
      expect(await getinfoReply(args), args.join(" ")).to.equal('chunked 1.0,20,0\n{"type":"streaming"}');
    }
  });

  it("answers the same to the recorder's getinfo shape (numeric times, search not percent-encoded)", async () => {
    expect(await getinfoReply(["match=broad"], true)).to.equal(reporting("broad").toString("utf8"));
    expect(await getinfoReply(["mode=annotate"], true)).to.equal(STREAMING.toString("utf8"));
  });

  it("answers a getinfo-only probe and exits 0 when stdin closes", async () => {
    const result = await runWhole(getinfo(["mode=filter"]), new EksPodScanCommand());
    expect(result.code).to.equal(0);
    expect(result.output.toString("utf8")).to.equal(STREAMING.toString("utf8"));
  });
});
