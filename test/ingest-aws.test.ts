import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { awsNameWarnings } from "../src/ingest/aws-names";
import { IndexedEvent } from "../src/ingest/event";
import { readAll } from "./support/ingest-read";

const ROOT = path.resolve(__dirname, "..");
const audit = JSON.parse(readFileSync("../shared/reference/eks-audit-example-event.json", "utf8"));
const auditLine = JSON.stringify(audit);
const GROUP = "/aws/eks/prod/cluster";
const STREAM = "kube-apiserver-audit-0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-aws-test-"));

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const read = readAll;

const brief = (e: IndexedEvent) => [e.time, e.source, e.raw === auditLine];

/** What CloudWatch Logs hands a Lambda: the subscription envelope, gzipped, in base64. */
function lambdaPayload(envelope: object): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(JSON.stringify(envelope)).toString("base64") } };
}

const envelope = (stream: string, timestamp: number) => ({
  messageType: "DATA_MESSAGE",
  owner: "111122223333",
  logGroup: GROUP,
  logStream: stream,
  subscriptionFilters: ["to-lambda"],
  logEvents: [{ id: "1", timestamp, message: auditLine }],
});

describe("hunt input: Lambda awslogs.data payloads", () => {
  it("one per line, or as a JSON array (pretty-printed, as a Lambda test event): the envelope inside is read", async () => {
    const control = { messageType: "CONTROL_MESSAGE", owner: "CloudwatchLogs", logGroup: "", logStream: "", subscriptionFilters: [], logEvents: [] };
    const lines = file("lambda.jsonl", [lambdaPayload(envelope(STREAM, 1701960293358)), lambdaPayload(control)].map((p) => JSON.stringify(p)).join("\n") + "\n");
    const array = file("lambda-test-events.json", JSON.stringify([lambdaPayload(envelope("kube-apiserver-audit-2", 1701960294000))], null, 2));
    const { events, stderr } = await read([lines, array], { region: "eu-west-1" });
    expect(events.map(brief)).to.deep.equal([
      ["1701960293.358", `eu-west-1:${GROUP}:${STREAM}`, true],
      ["1701960294", `eu-west-1:${GROUP}:kube-apiserver-audit-2`, true],
    ]);
    expect(stderr).to.equal("hunt: read 2 events from 2 inputs; 0 rejected\nhunt: skipped 1 CloudWatch CONTROL_MESSAGE envelopes\n");
  });

  it("a payload that is not base64, not gzip, not JSON or not an envelope is rejected with its line", async () => {
    const b64 = (bytes: Buffer) => JSON.stringify({ awslogs: { data: bytes.toString("base64") } });
    const p = file("bad-lambda.jsonl", [
      JSON.stringify({ awslogs: { data: "not base64!" } }),
      b64(Buffer.from("plain text")),
      b64(gzipSync("{oops")),
      b64(gzipSync(JSON.stringify({ hello: "world" }))),
      b64(gzipSync(JSON.stringify({ ...envelope(STREAM, 1), logEvents: [{ id: "1", timestamp: 1, message: "{oops" }] }))),
      JSON.stringify({ awslogs: { data: 7 } }),
    ].join("\n"));
    const { events, stderr } = await read([p]);
    expect(events).to.deep.equal([]);
    expect(stderr).to.equal(
      `hunt: rejected ${p}:1: awslogs.data: not base64\n` +
        `hunt: rejected ${p}:2: awslogs.data: not gzip (incorrect header check)\n` +
        `hunt: rejected ${p}:3: awslogs.data: not valid JSON\n` +
        `hunt: rejected ${p}:4: awslogs.data: not a CloudWatch Logs subscription envelope (messageType, logGroup, logStream, logEvents)\n` +
        `hunt: rejected ${p}:5: awslogs.data: logEvents[0]: message is not JSON\n` +
        `hunt: rejected ${p}:6: awslogs.data: not base64\n` +
        "hunt: read 0 events from 1 input; 6 rejected\n",
    );
  });
});

describe("hunt input: `aws logs get-log-events` output names no log stream", () => {
  const output = JSON.stringify({ events: [{ timestamp: 1701960293358, message: auditLine, ingestionTime: 1701960295000 }], nextForwardToken: "f/1", nextBackwardToken: "b/1" }, null, 4);

  it("--log-stream names it; without it the source ends in an empty stream, with a warning", async () => {
    const p = file("get-log-events.json", output);
    const named = await read([p], { logGroup: GROUP, logStream: STREAM });
    expect(named.events.map(brief)).to.deep.equal([["1701960293.358", `us-east-1:${GROUP}:${STREAM}`, true]]);
    expect(named.stderr).to.equal("hunt: read 1 events from 1 input; 0 rejected\n");
    const unnamed = await read([p], { logGroup: GROUP });
    expect(unnamed.events.map(brief)).to.deep.equal([["1701960293.358", `us-east-1:${GROUP}:`, true]]);
    expect(unnamed.stderr).to.equal(
      "hunt: read 1 events from 1 input; 0 rejected\n" +
        "hunt: warning: 1 events of `aws logs get-log-events` output name no log stream; their source ends in an empty one (pass --log-stream)\n",
    );
  });

  it("filter-log-events output keeps each event's own stream over --log-stream", async () => {
    const p = file("filter-log-events.json", JSON.stringify({ events: [{ logStreamName: "kube-apiserver-audit-9", timestamp: 1701960293358, message: auditLine }] }));
    const { events } = await read([p], { logGroup: GROUP, logStream: STREAM });
    expect(events.map(brief)).to.deep.equal([["1701960293.358", `us-east-1:${GROUP}:kube-apiserver-audit-9`, true]]);
  });

  it("the CLI takes --log-stream", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", "--input", "-", "--log-group", GROUP, "--log-stream", STREAM, "--mode", "annotate", "--format", "json"], {
      cwd: ROOT,
      input: output,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.equal("hunt: read 1 events from 1 input; 0 rejected\n");
    expect((JSON.parse(run.stdout) as Array<{ source: string }>).map((r) => r.source)).to.deep.equal([`us-east-1:${GROUP}:${STREAM}`]);
  });
});

describe("awsNameWarnings: names the AWS add-on could not have put in a source", () => {
  it("accepts what EKS and the add-on write", () => {
    expect(awsNameWarnings({ region: "us-east-1", logGroup: GROUP, logStream: STREAM, source: `us-gov-west-1:${GROUP}:${STREAM}` })).to.deep.equal([]);
    expect(awsNameWarnings({ region: "ap-southeast-5", logGroup: "/aws/eks/my_cluster-2/cluster" })).to.deep.equal([]);
  });

  it("says what is wrong with each other name", () => {
    expect(awsNameWarnings({ region: "US-East-1", logGroup: "/aws/eks/prod", logStream: "audit:1", source: "prod" })).to.deep.equal([
      '--source "prod" is not <region>:<log group>:<log stream>, the source the AWS add-on builds',
      '--region "US-East-1" is not an AWS region (such as us-east-1)',
      '--log-group "/aws/eks/prod" is not an EKS control-plane log group (/aws/eks/<cluster>/cluster)',
      "--log-stream \"audit:1\" is not a CloudWatch Logs log stream name (1-512 characters, no ':' or '*')",
    ]);
    expect(awsNameWarnings({ region: "useast1", logGroup: "aws eks", logStream: "authenticator-1", source: "us-east-1:/aws/eks/x y/cluster:kube-apiserver-audit-1" })).to.deep.equal([
      "--source's log group \"/aws/eks/x y/cluster\" is not a CloudWatch Logs log group name (1-512 of letters, digits and _ - . / #)",
      '--region "useast1" is not an AWS region (such as us-east-1)',
      '--log-group "aws eks" is not a CloudWatch Logs log group name (1-512 of letters, digits and _ - . / #)',
      '--log-stream "authenticator-1" is not an EKS audit log stream (kube-apiserver-audit-*): the search matches only audit events',
    ]);
  });

  it("hunt prints them as warnings before reading", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", "--input", "-", "--region", "mars-1", "--format", "json"], {
      cwd: ROOT,
      input: `${auditLine}\n`,
      encoding: "utf8",
    });
    expect(run.status).to.equal(0);
    expect(run.stderr).to.equal('hunt: warning: --region "mars-1" is not an AWS region (such as us-east-1)\nhunt: read 1 events from 1 input; 0 rejected\n');
  });
});
