import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeCsv } from "../src/scp/csv";
import { splitSearchArgs } from "../src/local/args";
import { CommandFailure } from "../src/local/command-process";
import { IndexedEvent } from "../src/ingest/event";
import { FieldSelection } from "../src/ingest/flatten";
import { runSearch } from "../src/local/splunkd";

// A stand-in for ekspodscan that records every chunk it receives and answers like the real command:
// reporting with a streaming_preop, a map phase, a reduce phase that answers once, at the end.
const STUB = String.raw`
const fs = require("fs");
const path = require("path");
const log = path.join(__dirname, "received.jsonl");
let pending = Buffer.alloc(0);
let args = [];
let executes = 0;
function send(meta, body) {
  const m = Buffer.from(JSON.stringify(meta));
  const b = Buffer.from(body || "");
  process.stdout.write(Buffer.concat([Buffer.from("chunked 1.0," + m.length + "," + b.length + "\n"), m, b]));
}
function handle(meta, body) {
  if (meta.action === "getinfo") args = meta.searchinfo.args;
  fs.appendFileSync(log, JSON.stringify({ pid: process.pid, args: args, meta: meta, body: body }) + "\n");
  if (meta.action === "getinfo") {
    if (args.indexOf("fail=getinfo") >= 0) {
      send({ inspector: { messages: [["ERROR", "Unrecognized option fail."]] }, finished: true, error: "Unrecognized option fail." });
      process.exit(1);
    }
    if (args.indexOf("phase=map") >= 0) return send(args.indexOf("maprequired=1") >= 0 ? { type: "streaming", required_fields: ["_time", "source"] } : { type: "streaming" });
    if (args.indexOf("mode=annotate") >= 0) return send({ type: "streaming", required_fields: ["verb"] });
    return send({ type: "reporting", required_fields: ["_time", "user.groups{}", "verb"], streaming_preop: 'ekspodscan phase=map "note=a b" ' + args.join(" ") });
  }
  executes++;
  if (args.indexOf("die=1") >= 0) { process.stderr.write("boom\n"); process.exit(3); }
  if (args.indexOf("phase=map") >= 0) return send({ finished: meta.finished }, "chunk,ips,__mv_ips\n" + executes + ",\"x\ny\",\"$x$;$y$\"\n");
  if (args.indexOf("mode=annotate") >= 0) {
    const lines = body.split("\n").slice(1).filter(Boolean);
    return send({ inspector: { messages: [["WARN", "annotated " + lines.length]] }, finished: meta.finished }, "verb,_chunked_idx,seen\n" + lines.map((l, i) => "list," + i + ",yes").join("\n") + "\n");
  }
  send({ finished: meta.finished }, meta.finished ? "result,reduce_chunks\nfrom-reduce," + executes + "\n" : "");
}
process.stdin.on("data", (data) => {
  pending = Buffer.concat([pending, data]);
  for (;;) {
    const nl = pending.indexOf(10);
    if (nl < 0) return;
    const m = /^chunked 1\.0,(\d+),(\d+)$/.exec(pending.slice(0, nl).toString());
    const end = nl + 1 + Number(m[1]) + Number(m[2]);
    if (pending.length < end) return;
    const meta = JSON.parse(pending.slice(nl + 1, nl + 1 + Number(m[1])).toString());
    const body = pending.slice(nl + 1 + Number(m[1]), end).toString();
    pending = pending.slice(end);
    handle(meta, body);
  }
});
`;

interface Received {
  pid: number;
  args: string[];
  meta: { [key: string]: any };
  body: string;
}

function event(i: number, groups: string[]): IndexedEvent {
  return {
    time: `170000000${i}.5`,
    source: `us-east-1:/aws/eks/c/cluster:s${i}`,
    sourcetype: "aws:cloudwatchlogs:eks",
    raw: "{}",
    fields: new Map([["user.groups{}", groups], ["verb", ["list"]]]),
  };
}

describe("splunkd stand-in (driver) against a recording stub command", () => {
  let dir: string;
  let script: string;
  let selections: FieldSelection[];
  let messages: string[];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "hunt-driver-test-"));
    script = path.join(dir, "stub.js");
    writeFileSync(script, STUB);
    selections = [];
    messages = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const received = (): Received[] =>
    readFileSync(path.join(dir, "received.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));

  const search = (args: string[], count = 5) =>
    runSearch({
      command: { nodePath: process.execPath, scriptPath: script },
      args,
      baseSearch: "search sourcetype=x",
      maxResultRows: 2,
      onMessage: (level, text) => messages.push(`${level} ${text}`),
      events: async function* (selection) {
        selections.push(selection);
        for (let i = 0; i < count; i++) yield [event(i, i === 1 ? ["a", "b"] : ["a"])];
      },
    });

  it("runs the reduce phase, then the pre-op as a second process, in chunks of maxresultrows, as splunkd does", async () => {
    const result = await search(["match=broad"]);
    expect(result).to.deep.equal({ fields: ["result", "reduce_chunks"], rows: [["from-reduce", "3"]] });

    const log = received();
    const [reduceGetinfo, mapGetinfo] = log;
    const reducePid = reduceGetinfo.pid;
    expect(mapGetinfo.pid).to.not.equal(reducePid);
    const { sid, dispatch_dir, ...searchinfo } = reduceGetinfo.meta.searchinfo;
    expect(sid).to.match(/^\d+\.\d+$/);
    expect(dispatch_dir).to.be.a("string");
    expect(reduceGetinfo.meta).to.include({ action: "getinfo", preview: false, streaming_command_will_restart: false });
    expect(Object.keys(reduceGetinfo.meta)).to.deep.equal(["action", "preview", "streaming_command_will_restart", "searchinfo"]);
    expect(searchinfo).to.deep.equal({
      args: ["match=broad"],
      raw_args: ["match=broad"],
      app: "eks_pod_scan",
      owner: "admin",
      username: "admin",
      session_key: "",
      splunkd_uri: "https://127.0.0.1:8089",
      splunk_version: "8.2.1",
      search: "search%20sourcetype%3Dx%20%7C%20ekspodscan%20match%3Dbroad",
      command: "ekspodscan",
      maxresultrows: 2,
      earliest_time: "0",
      latest_time: "0",
    });
    expect(mapGetinfo.meta.searchinfo.args).to.deep.equal(["phase=map", "note=a b", "match=broad"]);
    expect(mapGetinfo.meta.searchinfo.raw_args).to.deep.equal(["phase=map", '"note=a b"', "match=broad"]);
    expect(mapGetinfo.meta.searchinfo.sid).to.equal(sid);

    // splunkd's CSV: every field has its __mv_ twin; names starting with "_" or holding "{}" quoted.
    const HEADER = '"_time","user.groups{}",verb,"__mv__time","__mv_user.groups{}","__mv_verb"';
    // The map phase declared no required_fields: it gets the reporting phase's, without _chunked_idx.
    expect(selections.map((s) => [s.wants("verb"), s.wants("userAgent")])).to.deep.equal([[true, false]]);
    const mapExecutes = log.filter((r) => r.pid !== reducePid && r.meta.action === "execute");
    expect(mapExecutes.map((r) => [r.meta, r.body])).to.deep.equal([
      [{ action: "execute", finished: false }, `${HEADER}\n1700000000.5,a,list,,,\n1700000001.5,"a\nb",list,,$a$;$b$,\n`],
      [{ action: "execute", finished: false }, `${HEADER}\n1700000002.5,a,list,,,\n1700000003.5,a,list,,,\n`],
      [{ action: "execute", finished: true }, `${HEADER}\n1700000004.5,a,list,,,\n`],
    ]);

    // Each map reply reaches the reduce phase re-serialised (decoded, re-encoded with all __mv_ twins).
    const reduceExecutes = log.filter((r) => r.pid === reducePid && r.meta.action === "execute");
    expect(reduceExecutes.map((r) => r.meta.finished)).to.deep.equal([false, false, true]);
    expect(reduceExecutes.map((r) => decodeCsv(r.body))).to.deep.equal([1, 2, 3].map((n) => ({ fields: ["chunk", "ips"], rows: [[String(n), ["x", "y"]]] })));
    expect(reduceExecutes[0].body).to.equal('chunk,ips,"__mv_chunk","__mv_ips"\n1,"x\ny",,$x$;$y$\n');
  });

  it("sends only a pre-op's own required_fields, with _chunked_idx 0..n-1 per chunk", async () => {
    await search(["maprequired=1"], 3);
    const HEADER = '"_time",source,"_chunked_idx","__mv__time","__mv_source","__mv__chunked_idx"';
    const log = received();
    const mapExecutes = log.filter((r) => r.args[0] === "phase=map" && r.meta.action === "execute");
    expect(mapExecutes.map((r) => r.body)).to.deep.equal([
      `${HEADER}\n1700000000.5,us-east-1:/aws/eks/c/cluster:s0,0,,,\n1700000001.5,us-east-1:/aws/eks/c/cluster:s1,1,,,\n`,
      `${HEADER}\n1700000002.5,us-east-1:/aws/eks/c/cluster:s2,0,,,\n`,
    ]);
  });

  it("with no events, sends one header-only chunk marked finished, then finishes the reduce phase", async () => {
    await search([], 0);
    const executes = received().filter((r) => r.meta.action === "execute");
    expect(executes.map((r) => [r.args[0] === "phase=map" ? "map" : "reduce", r.meta.finished, r.body])).to.deep.equal([
      ["map", true, '"_time","user.groups{}",verb,"__mv__time","__mv_user.groups{}","__mv_verb"\n'],
      ["reduce", true, 'chunk,ips,"__mv_chunk","__mv_ips"\n1,"x\ny",,$x$;$y$\n'],
    ]);
  });

  it("drives a plain streaming command in one process and drops _chunked_idx from its rows", async () => {
    const result = await search(["mode=annotate"], 3);
    expect(new Set(received().map((r) => r.pid)).size).to.equal(1);
    expect(result).to.deep.equal({ fields: ["verb", "seen"], rows: [["list", "yes"], ["list", "yes"], ["list", "yes"]] });
    expect(messages).to.deep.equal(["WARN annotated 2", "WARN annotated 1"]);
  });

  it("surfaces an error reply, and a command that dies, with its message and stderr", async () => {
    let error: unknown;
    await search(["fail=getinfo"]).catch((err) => (error = err));
    expect(error).to.be.instanceOf(CommandFailure);
    expect((error as Error).message).to.equal("ekspodscan: Unrecognized option fail.");
    await search(["die=1"]).catch((err) => (error = err));
    expect((error as Error).message).to.equal("ekspodscan (map phase) exited with code 3 before replying; its stderr ends with:\nboom");
  });
});

describe("splitSearchArgs", () => {
  it("splits on whitespace, keeps quoted runs, and strips quotes from args only", () => {
    expect(splitSearchArgs(' ekspodscan  phase="map" "a b"=c x="say \\"hi\\"" ')).to.deep.equal({
      args: ["ekspodscan", "phase=map", "a b=c", 'x=say "hi"'],
      rawArgs: ["ekspodscan", 'phase="map"', '"a b"=c', 'x="say \\"hi\\""'],
    });
  });
});
