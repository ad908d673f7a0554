import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { IndexedEvent, timeFromTimestamp } from "../src/ingest/event";
import { FieldSelection } from "../src/ingest/flatten";
import { FORMAT_HELP, InputUsageError } from "../src/ingest/formats";
import { ReadOptions, readEvents } from "../src/ingest/reader";
import { InputReport } from "../src/ingest/report";

const audit = JSON.parse(readFileSync("../shared/reference/eks-audit-example-event.json", "utf8"));
const auditLine = JSON.stringify(audit);
const anonymousList = JSON.stringify({
  ...audit,
  requestURI: "/api/v1/pods",
  verb: "list",
  user: { username: "system:anonymous", groups: ["system:unauthenticated"] },
  sourceIPs: ["127.0.0.1", "203.0.113.7"],
  requestReceivedTimestamp: "2023-12-07T14:45:00Z",
});
const GROUP = "/aws/eks/prod/cluster";
const STREAM = "kube-apiserver-audit-0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-input-test-"));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

function envelope(logEvents: Array<{ timestamp: number; message: string }>, stream = STREAM): string {
  return JSON.stringify({
    messageType: "DATA_MESSAGE",
    owner: "111122223333",
    logGroup: GROUP,
    logStream: stream,
    subscriptionFilters: ["f"],
    logEvents: logEvents.map((e, i) => ({ id: String(i), ...e })),
  });
}

interface Read {
  events: IndexedEvent[];
  stderr: string;
  report: InputReport;
}

async function read(paths: string[], options: Partial<ReadOptions> = {}): Promise<Read> {
  let stderr = "";
  const report = new InputReport({ write: (t) => void (stderr += t), isTTY: false, now: () => 0 }, 1000);
  const events: IndexedEvent[] = [];
  const all: ReadOptions = { region: "us-east-1", selection: FieldSelection.all(), ...options };
  for await (const batch of readEvents(paths, all, report)) events.push(...batch);
  report.finish();
  return { events, stderr, report };
}

const brief = (e: IndexedEvent) => [e.time, e.source, e.sourcetype, (e.fields.get("verb") || [])[0]];

describe("hunt input: the four export formats", () => {
  it("CloudWatch subscription envelopes: _time from the CloudWatch timestamp, source region:group:stream", async () => {
    const lines = [
      JSON.stringify({ messageType: "CONTROL_MESSAGE", owner: "CloudwatchLogs", logGroup: "", logStream: "", subscriptionFilters: [], logEvents: [{ id: "", timestamp: 1, message: "CWL CONTROL MESSAGE" }] }),
      envelope([{ timestamp: 1701960293358, message: auditLine }, { timestamp: 1701960300000, message: anonymousList }]),
      envelope([{ timestamp: 1701960293000, message: 'time="2023-12-07T14:44:53Z" level=info msg="access granted"' }], "authenticator-0123"),
    ];
    const { events, stderr, report } = await read([file("cw.jsonl", lines.join("\n") + "\n")], { region: "eu-west-1" });
    expect(events.map(brief)).to.deep.equal([
      ["1701960293.358", `eu-west-1:${GROUP}:${STREAM}`, "aws:cloudwatchlogs:eks", "create"],
      ["1701960300", `eu-west-1:${GROUP}:${STREAM}`, "aws:cloudwatchlogs:eks", "list"],
    ]);
    expect(events[0].raw).to.equal(auditLine);
    expect(events[1].fields.get("sourceIPs{}")).to.deep.equal(["127.0.0.1", "203.0.113.7"]);
    expect(report.rejected).to.equal(0);
    expect(stderr).to.equal(
      "hunt: read 2 events from 1 input; 0 rejected\n" +
        "hunt: skipped 1 CloudWatch CONTROL_MESSAGE envelopes\n" +
        "hunt: skipped 1 messages from log streams other than kube-apiserver-audit-*\n",
    );
  });

  it("concatenated envelopes in multi-member gzip, as Firehose writes them, whatever the file name", async () => {
    const first = gzipSync(envelope([{ timestamp: 1701960293358, message: auditLine }]));
    const second = gzipSync(envelope([{ timestamp: 1701960300000, message: anonymousList }]));
    const { events } = await read([file("firehose-object", Buffer.concat([first, second]))]);
    expect(events.map((e) => e.time)).to.deep.equal(["1701960293.358", "1701960300"]);
  });

  it("`aws logs filter-log-events` output (pretty-printed) with the log group from --log-group", async () => {
    const output = JSON.stringify(
      { events: [{ logStreamName: STREAM, timestamp: 1701960293358, message: auditLine, ingestionTime: 1701960295000, eventId: "1" }], searchedLogStreams: [] },
      null,
      4,
    );
    const p = file("filter.json", output);
    const { events } = await read([p], { logGroup: GROUP });
    expect(events.map(brief)).to.deep.equal([["1701960293.358", `us-east-1:${GROUP}:${STREAM}`, "aws:cloudwatchlogs:eks", "create"]]);
    let error: unknown;
    try {
      await read([p]);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InputUsageError);
    expect((error as Error).message).to.equal(
      "this is `aws logs` output, which does not name its log group: pass --log-group /aws/eks/<cluster>/cluster",
    );
  });

  it("Kubernetes audit JSON lines: _time from requestReceivedTimestamp (microseconds kept), source the file or --source", async () => {
    const p = file("audit.log", `${auditLine}\n${anonymousList}\n`);
    const { events } = await read([p]);
    expect(events.map(brief)).to.deep.equal([
      ["1701960293.358394", p, "aws:cloudwatchlogs:eks", "create"],
      ["1701960300", p, "aws:cloudwatchlogs:eks", "list"],
    ]);
    const custom = await read([p], { source: "us-east-1:/aws/eks/x/cluster:s" });
    expect(custom.events.map((e) => e.source)).to.deep.equal(["us-east-1:/aws/eks/x/cluster:s", "us-east-1:/aws/eks/x/cluster:s"]);
  });

  it("Splunk JSON export: _time and source from the result, fields re-extracted from _raw", async () => {
    const source = `us-east-1:${GROUP}:${STREAM}`;
    const lines = [
      JSON.stringify({ preview: false, offset: 0, result: { _raw: auditLine, _time: "2023-12-07T14:44:53.358+00:00", source, sourcetype: "aws:cloudwatchlogs:eks", "user.username": "stale" } }),
      JSON.stringify({ preview: false, offset: 1, lastrow: true, result: { _raw: anonymousList, _time: "1701960300.000", source } }),
      JSON.stringify({ preview: false, offset: 2, lastrow: true }),
    ];
    const { events, report } = await read([file("export.json", lines.join("\n"))]);
    expect(events.map(brief)).to.deep.equal([
      ["1701960293.358", source, "aws:cloudwatchlogs:eks", "create"],
      ["1701960300.000", source, "aws:cloudwatchlogs:eks", "list"],
    ]);
    expect(events[0].fields.get("user.username")).to.deep.equal(["k8s-test-user"]);
    expect([...report.skipped]).to.deep.equal([["Splunk export lines without a result (messages, last row markers)", 1]]);
  });

  it("Splunk JSON export of a wider search: other sourcetypes and the log group's other streams are skipped", async () => {
    const audit = `us-east-1:${GROUP}:${STREAM}`;
    const authenticator = `us-east-1:${GROUP}:authenticator-0123456789abcdef`;
    const row = (result: object) => JSON.stringify({ preview: false, result });
    const lines = [
      row({ _raw: anonymousList, _time: "1701960300", source: audit, sourcetype: "_json" }),
      row({ _raw: 'time="2023-12-07T14:45:00Z" level=info msg="access granted"', _time: "1701960301", source: authenticator, sourcetype: "aws:cloudwatchlogs:eks" }),
      row({ _raw: anonymousList, _time: "1701960302", source: audit, sourcetype: "aws:cloudwatchlogs:eks" }),
      row({ _raw: "not json", _time: "1701960303", source: audit, sourcetype: "aws:cloudwatchlogs:eks" }),
    ];
    const p = file("wide-export.json", lines.join("\n"));
    const { events, stderr, report } = await read([p]);
    expect(events.map(brief)).to.deep.equal([["1701960302", audit, "aws:cloudwatchlogs:eks", "list"]]);
    expect([...report.skipped]).to.deep.equal([
      ["Splunk export events of sourcetypes other than aws:cloudwatchlogs:eks", 1],
      ["messages from log streams other than kube-apiserver-audit-*", 1],
    ]);
    // A line of an audit stream that is no audit event is still the input's fault.
    expect(report.rejected).to.equal(1);
    expect(stderr).to.contain(`hunt: rejected ${p}:4: Splunk export _raw: not JSON\n`);
  });

  it("reads stdin for '-', gzip or not", async () => {
    const stdin = Readable.from([gzipSync(`${anonymousList}\n`)]);
    const { events } = await read(["-"], { stdin });
    expect(events.map(brief)).to.deep.equal([["1701960300", "stdin", "aws:cloudwatchlogs:eks", "list"]]);
  });

  it("knows gzip by its two magic bytes even when they arrive in different reads", async () => {
    const gz = gzipSync(`${anonymousList}\n`);
    for (const pieces of [[gz.subarray(0, 1), gz.subarray(1)], [Buffer.alloc(0), gz.subarray(0, 1), gz.subarray(1, 2), gz.subarray(2)]]) {
      const { events } = await read(["-"], { stdin: Readable.from(pieces) });
      expect(events.map(brief)).to.deep.equal([["1701960300", "stdin", "aws:cloudwatchlogs:eks", "list"]]);
    }
  });
});

describe("hunt input: rejected records are counted and reported with file and line", () => {
  it("only what is not JSON or not an object is rejected; any other object is an event, as Splunk indexes it", async () => {
    const p = file("mixed.jsonl", [
      auditLine,
      "Dec 07 14:44:53 not json at all",
      JSON.stringify({ kind: "Event", apiVersion: "audit.k8s.io/v1", verb: "get" }),
      JSON.stringify({ ...audit, requestReceivedTimestamp: "yesterday" }),
      envelope([{ timestamp: 1, message: "{oops" }, { timestamp: 2, message: "[1]" }]),
      JSON.stringify({ hello: "world" }),
      "[42]",
      anonymousList,
    ].join("\n"));
    const { events, stderr, report } = await read([p]);
    // Line 3 has no time: the previous event's; line 4's requestReceivedTimestamp is none: its stageTimestamp.
    expect(events.map((e) => [e.time, e.raw.slice(0, 12)])).to.deep.equal([
      ["1701960293.358394", auditLine.slice(0, 12)],
      ["1701960293.358394", '{"kind":"Eve'],
      ["1701960293.375985", auditLine.slice(0, 12)],
      ["1701960293.375985", '{"hello":"wo'],
      ["1701960300", anonymousList.slice(0, 12)],
    ]);
    expect(report.rejected).to.equal(4);
    expect(stderr).to.equal(
      `hunt: rejected ${p}:2: not JSON (a line must hold a JSON object)\n` +
        `hunt: rejected ${p}:5: logEvents[0]: message is not JSON\n` +
        `hunt: rejected ${p}:5: logEvents[1]: message is not a JSON object\n` +
        `hunt: rejected ${p}:7: [0]: not a JSON object; ${FORMAT_HELP}\n` +
        "hunt: read 5 events from 1 input; 4 rejected\n" +
        "hunt: warning: 2 events carry no usable time; given, as Splunk does, the previous event's time from the same source, else the file's modification time, else the current time\n",
    );
  });

  it("a truncated gzip: the events before the cut are kept, the cut is reported, the next input is read", async () => {
    const whole = gzipSync(Array.from({ length: 200 }, () => auditLine).join("\n") + "\n");
    const cut = file("cut.jsonl.gz", whole.subarray(0, Math.floor(whole.length * 0.9)));
    const next = file("next.jsonl", `${anonymousList}\n`);
    const { events, stderr, report } = await read([cut, next]);
    expect(report.rejected).to.equal(1);
    expect(events.length).to.be.greaterThan(0).and.lessThan(201);
    expect(events[events.length - 1].time).to.equal("1701960300");
    expect(stderr).to.match(new RegExp(`^hunt: rejected ${cut}:\\d+: truncated gzip: the input ends inside compressed data\\nhunt: read \\d+ events from 2 inputs; 1 rejected\\n$`));
  });

  it("garbage after the gzip data, or a CRC that does not match: every event decoded before it is kept (as gzip -dc)", async () => {
    for (const count of [3, 400]) {
      // 400 events decode to ~8 steps of zlib output, 3 to one: the failing step is all of it.
      const whole = gzipSync(Array.from({ length: count }, () => auditLine).join("\n") + "\n");
      const badCrc = Buffer.from(whole);
      badCrc[badCrc.length - 8] ^= 0xff;
      const cases: Array<[string, Buffer, string]> = [
        ["junk", Buffer.concat([whole, Buffer.from("trailing garbage\n")]), "corrupt gzip (incorrect header check)"],
        ["crc", badCrc, "corrupt gzip (incorrect data check)"],
      ];
      for (const [name, bytes, problem] of cases) {
        const p = file(`${name}-${count}.jsonl.gz`, bytes);
        const { events, stderr, report } = await read([p]);
        expect(events, `${name} ${count}`).to.have.length(count);
        expect(report.rejected).to.equal(1);
        expect(stderr).to.match(new RegExp(`^hunt: rejected ${p}:${count + 1}: ${problem.replace(/[()]/g, "\\$&")}\\n`));
      }
    }
    // Zero bytes after the data are padding, not an error.
    const padded = file("padded.jsonl.gz", Buffer.concat([gzipSync(`${auditLine}\n`), Buffer.alloc(512)]));
    expect((await read([padded])).report.rejected).to.equal(0);
  });

  it("a file in no known format is given up after 20 records, with one message naming the formats", async () => {
    const p = file("table.csv", Array.from({ length: 100 }, (_, i) => `row,${i}`).join("\n"));
    const { stderr, report } = await read([p]);
    const lines = stderr.trim().split("\n");
    expect(report.rejected).to.equal(21);
    expect(lines.length).to.equal(22);
    expect(lines[19]).to.equal(`hunt: rejected ${p}:20: not JSON (a line must hold a JSON object)`);
    expect(lines[20]).to.equal(`hunt: rejected ${p}:20: stopped reading: no record fits a known format; ${FORMAT_HELP}`);
    expect(lines[21]).to.equal("hunt: read 0 events from 1 input; 21 rejected");
  });
});

describe("timeFromTimestamp", () => {
  it("keeps up to six fractional digits and applies offsets", () => {
    expect(timeFromTimestamp("2023-12-07T14:44:53.358394Z")).to.equal("1701960293.358394");
    expect(timeFromTimestamp("2023-12-07T15:44:53.1+01:00")).to.equal("1701960293.1");
    expect(timeFromTimestamp("2023-12-07 14:44:53.000 UTC")).to.equal("1701960293");
    expect(timeFromTimestamp("2023-12-07T14:44:53")).to.equal(undefined);
  });
});

describe("InputReport progress", () => {
  it("prints a progress line for big inputs, once per interval, not before the first interval", () => {
    let stderr = "";
    let now = 0;
    const report = new InputReport({ write: (t) => void (stderr += t), isTTY: false, now: () => now }, 100e6);
    report.events = 10;
    report.progress(1e6);
    now = 10_000;
    report.events = 500_000;
    report.progress(50e6);
    now = 15_000;
    report.progress(60e6);
    expect(stderr).to.equal("hunt: read 500,000 events (50.0 MB of 100.0 MB, 50%) at 50,000 events/s\n");
    const small = new InputReport({ write: (t) => void (stderr += t), isTTY: false, now: () => (now += 20_000) }, 1e6);
    small.progress(1e6);
    expect(stderr.split("\n")).to.have.length(2);
  });
});
