/**
 * Decoding on worker threads (src/ingest/decode-pool.ts) against decoding on the reader's own thread
 * as the oracle: the same events in the same order, the same times assigned, the same report, for
 * the built-in sample, the published audit events and generated mixes of every line kind, cut into
 * chunks anywhere. The worker is the built one (dist/cli/decode-worker.js, made by `npm test`'s pretest).
 */
import { expect } from "chai";
import fc from "fast-check";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { IndexedEvent } from "../src/ingest/event";
import { FieldSelection } from "../src/ingest/flatten";
import { ReadOptions, readEvents } from "../src/ingest/reader";
import { InputReport } from "../src/ingest/report";

const ROOT = path.resolve(__dirname, "..");
const WORKER = path.join(ROOT, "dist", "cli", "decode-worker.js");
const DATA = path.join("..", "shared", "reference-data", "k8s-audit");
const GROUP = "/aws/eks/prod/cluster";
const STREAM = "kube-apiserver-audit-0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(path.join(os.tmpdir(), "decode-workers-test-"));

interface Read {
  events: Array<[string, string, string, string, Array<[string, string[]]>]>;
  stderr: string;
  counts: [number, number, number];
  error?: string;
}

async function read(paths: string[], options: Partial<ReadOptions>, stdinChunks?: Buffer[]): Promise<Read> {
  let stderr = "";
  const report = new InputReport({ write: (t) => void (stderr += t), isTTY: false, now: () => 0 }, 1000);
  const events: Read["events"] = [];
  const stdin = stdinChunks ? Readable.from(stdinChunks, { objectMode: false }) : undefined;
  const all: ReadOptions = { region: "us-east-1", selection: FieldSelection.all(), now: () => 1_700_000_000_000, stdin, ...options };
  let error: string | undefined;
  try {
    for await (const batch of readEvents(paths, all, report)) {
      for (const e of batch as IndexedEvent[]) events.push([e.time, e.source, e.sourcetype, e.raw, Array.from(e.fields)]);
    }
  } catch (err) {
    error = `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
  report.finish();
  return { events, stderr, counts: [report.events, report.rejected, report.timeAssigned], error };
}

/** Reads on this thread and on `jobs` workers; the two must agree entirely. */
async function expectSameBothWays(paths: string[], options: Partial<ReadOptions>, stdinChunks?: Buffer[], jobs = 2): Promise<Read> {
  const serial = await read(paths, options, stdinChunks);
  const parallel = await read(paths, { ...options, decodeWorkers: { script: WORKER, count: jobs } }, stdinChunks);
  expect(parallel).to.deep.equal(serial);
  return serial;
}

function under(at: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(at, { withFileTypes: true })) {
    const next = path.join(at, entry.name);
    if (entry.isDirectory()) out.push(...under(next));
    else if (/\.(json|log|jsonl|txt)$/.test(entry.name) && !/PROVENANCE|README|LICEN[CS]E/i.test(entry.name)) out.push(next);
  }
  return out.sort();
}

const envelope = (messages: Array<{ timestamp: unknown; message: unknown }>, stream = STREAM) =>
  JSON.stringify({ messageType: "DATA_MESSAGE", owner: "111122223333", logGroup: GROUP, logStream: stream, subscriptionFilters: ["f"], logEvents: messages.map((m, i) => ({ id: String(i), ...m })) });

const anonymousList = (at: string) =>
  JSON.stringify({ kind: "Event", apiVersion: "audit.k8s.io/v1", stage: "ResponseComplete", verb: "list", requestURI: "/api/v1/pods", user: { username: "system:anonymous", groups: ["system:unauthenticated"] }, sourceIPs: ["203.0.113.9"], responseStatus: { code: 403 }, requestReceivedTimestamp: at });
const kubectlGet = JSON.stringify({ kind: "Event", verb: "get", requestURI: "/api/v1/namespaces/default/pods/web", user: { username: "alice" }, sourceIPs: ["10.0.0.1"], stageTimestamp: "2024-03-11T08:00:01.5Z" });

/** One line of any kind hunt meets, good or bad. */
const line: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(anonymousList("2024-03-11T08:00:00Z"), kubectlGet, anonymousList("9999-99-99T99:99:99.999999Z"), '{"kind": 0}', "{}"),
  fc
    .array(
      fc.record({
        timestamp: fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.constant(-1), fc.constant("soon")),
        message: fc.oneof(fc.constantFrom(anonymousList("2024-03-11T08:00:00Z"), kubectlGet, "not json", '["array"]', "{broken"), fc.constant(7)),
      }),
      { minLength: 0, maxLength: 5 },
    )
    .chain((messages) => fc.constantFrom(envelope(messages), envelope(messages, "authenticator-0123"))),
  fc.constantFrom('{"messageType":"CONTROL_MESSAGE","logEvents":[]}', JSON.stringify({ awslogs: { data: gzipSync(envelope([{ timestamp: 1, message: kubectlGet }])).toString("base64") } })),
  fc.constantFrom(JSON.stringify({ result: { _raw: kubectlGet, _time: "1710144001.500", source: "s", sourcetype: "aws:cloudwatchlogs:eks" } }), '{"lastrow":true}'),
  fc.constantFrom("", "   ", "[1, 2]", '"text"', "42", "{\"truncated\": ", "garbage", '{"a":1}{"b":2}', "\uFEFF{}", '{"verb":"list"}\r'),
);

describe("ingest: decoding on worker threads gives what one thread gives", function () {
  this.timeout(120_000);

  before(function () {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`node build.mjs\` (npm test's pretest does)`);
  });

  for (const podScansOnly of [true, false]) {
    it(`the built-in sample, gzip${podScansOnly ? ", pre-filtered" : ", every event built"}`, async () => {
      const read = await expectSameBothWays([path.join(ROOT, "samples", "eks-audit-sample.jsonl.gz")], { podScansOnly });
      expect(read.counts[0]).to.be.greaterThan(3000);
      expect(read.events.length).to.be.greaterThan(podScansOnly ? 10 : 3000);
    });
  }

  it("the audit events other projects published, every file", async () => {
    const files = under(DATA);
    expect(files.length).to.be.greaterThan(10);
    for (const file of files) await expectSameBothWays([file], { podScansOnly: true });
    await expectSameBothWays(files, { podScansOnly: false }, undefined, 3);
  });

  it("any mix of lines, cut into chunks anywhere, pre-filtered or not, with or without --log-group", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom("\n", "\r\n"),
        async (lines, cuts, podScansOnly, eol) => {
          const text = Buffer.from(lines.join(eol) + (lines.length % 2 ? eol : ""));
          const chunks: Buffer[] = [];
          for (let at = 0, i = 0; at < text.length; i++) {
            const size = cuts[i % cuts.length];
            chunks.push(text.subarray(at, at + size));
            at += size;
          }
          await expectSameBothWays(["-"], { podScansOnly, logGroup: lines.length % 3 ? GROUP : undefined }, chunks);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("`aws logs` output without --log-group stops both ways with the same usage error", async () => {
    const cli = path.join(dir, "cli.jsonl");
    writeFileSync(cli, `${kubectlGet}\n${JSON.stringify({ events: [{ logStreamName: STREAM, timestamp: 1, message: kubectlGet }] })}\n`);
    const read = await expectSameBothWays([cli], { podScansOnly: true });
    expect(read.error).to.match(/^InputUsageError: this is `aws logs` output, which does not name its log group/);
  });

  it("a file that fits no format stops at the same line both ways", async () => {
    const junk = path.join(dir, "junk.jsonl");
    writeFileSync(junk, "[1]\n".repeat(30));
    const read = await expectSameBothWays([junk], { podScansOnly: true });
    expect(read.stderr).to.contain("rejected " + junk + ":20: stopped reading: no record fits a known format");
    expect(read.counts[1]).to.equal(21); // the 20 lines, and the stop
  });

  it("a worker that fails is reported as such, not as bad input", async () => {
    const broken = path.join(dir, "broken-worker.js");
    writeFileSync(broken, 'require("node:worker_threads").parentPort.on("message", () => { throw new Error("boom"); });\n');
    // More than the first read (1 MB), which the reader's thread decodes while it learns the file's layout.
    const input = path.join(dir, "lines.jsonl");
    writeFileSync(input, `${kubectlGet}\n`.repeat(20_000));
    const read = await readWith(input, broken);
    expect(read.error).to.match(/^DecodeWorkerError: a decode worker failed: Error: boom/);
  });
});

function readWith(input: string, script: string): Promise<Read> {
  return read([input], { podScansOnly: true, decodeWorkers: { script, count: 1 } });
}

describe("ingest: reading that streams and stops", function () {
  this.timeout(60_000);

  /** A stdin of `count` chunks made as they are pulled; `pulled` says how many were. */
  function lazyStdin(count: number, chunk: (i: number) => Buffer): { stream: Readable; pulled: () => number } {
    let i = 0;
    const stream = new Readable({
      read() {
        this.push(i < count ? chunk(i++) : null);
      },
    });
    return { stream, pulled: () => i };
  }

  const envelopeObject = envelope([{ timestamp: 1_700_000_000_000, message: anonymousList("2024-03-11T08:00:00Z") }]);

  it("with decode workers, concatenated objects on one line (Firehose) still stream: events come before the end", async () => {
    const input = lazyStdin(400, () => Buffer.from(envelopeObject.repeat(20)));
    const report = new InputReport({ write: () => undefined, isTTY: false, now: () => 0 }, undefined);
    let pulledAtFirst = -1;
    let events = 0;
    const options: ReadOptions = { region: "us-east-1", selection: FieldSelection.all(), podScansOnly: true, stdin: input.stream, decodeWorkers: { script: WORKER, count: 1 } };
    for await (const batch of readEvents(["-"], options, report)) {
      if (pulledAtFirst < 0) pulledAtFirst = input.pulled();
      events += batch.length;
    }
    expect(events).to.equal(8000);
    expect(pulledAtFirst).to.be.lessThan(100);
  });

  it("an aborted signal stops the reading after the chunk under way", async () => {
    const stop = new AbortController();
    const input = lazyStdin(10_000, (i) => {
      if (i === 20) stop.abort();
      return Buffer.from(`${kubectlGet}\n`.repeat(100));
    });
    const report = new InputReport({ write: () => undefined, isTTY: false, now: () => 0 }, undefined);
    for await (const batch of readEvents(["-"], { region: "us-east-1", selection: FieldSelection.all(), podScansOnly: true, stdin: input.stream, signal: stop.signal }, report)) void batch;
    expect(input.pulled()).to.be.lessThan(60);
    expect(report.events).to.be.lessThan(6000);
  });
});
