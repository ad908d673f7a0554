/**
 * How the bundle moves bytes: it reads stdin and writes stdout blocking (src/scp/session-fd.ts),
 * falls back to streams when stdin would block, and waits when a non-blocking stdout is full. Each
 * way must write the same bytes as the plain run. A small python3 wrapper sets O_NONBLOCK on the
 * descriptors before it execs node, as a parent process might have.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { BUNDLE, NODES, needBundleAndNode8, runBundle } from "./support/command-process";
import { EVENT_FIELD_ORDER, RECORDS } from "./support/command-events";
import { streamOf } from "./support/command-run";
import { splunkdCsv } from "./support/command-streams";

const SET_NONBLOCKING = [
  "import fcntl, os, sys",
  "for fd in [int(x) for x in sys.argv[3].split(',') if x]:",
  "    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)",
  "os.execv(sys.argv[1], [sys.argv[1], sys.argv[2]])",
].join("\n");

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

interface Feed {
  nonBlocking: number[]; // descriptors to make non-blocking
  inputDelayMs?: number; // write stdin only after this
  readDelayMs?: number; // stdout is read only after this (the pipe fills meanwhile)
  stdinFile?: string; // stdin from a file instead of a pipe
  closeStdoutAfter?: number; // destroy our end of stdout after this many bytes
}

function runWith(node: string, input: Buffer, feed: Feed): Promise<Run> {
  return new Promise((resolve, reject) => {
    const stdinFd = feed.stdinFile ? openSync(feed.stdinFile, "r") : null;
    const command = ["python3", "-c", SET_NONBLOCKING, node, BUNDLE, feed.nonBlocking.join(",")];
    // A slow reader that really leaves the pipe full: a shell that only starts cat after a while
    // (a paused node stream would still drain the pipe into its own buffer).
    const codeFile = path.join(tmpdir(), `ekspodscan-io-code-${process.pid}-${Date.now()}`);
    const argv = feed.readDelayMs
      ? ["sh", "-c", `{ "$@"; echo $? > ${codeFile}; } | { sleep ${feed.readDelayMs / 1000}; cat; }`, "sh", ...command]
      : command;
    const child = spawn(argv[0], argv.slice(1), { stdio: [stdinFd === null ? "pipe" : stdinFd, "pipe", "pipe"] });
    if (stdinFd !== null) closeSync(stdinFd);
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    const guard = setTimeout(() => child.kill("SIGKILL"), 20000);
    child.stdout!.on("data", (data: Buffer) => {
      out.push(data);
      outBytes += data.length;
      if (feed.closeStdoutAfter !== undefined && outBytes >= feed.closeStdoutAfter) child.stdout!.destroy();
    });
    child.stderr!.on("data", (data: Buffer) => (err += data.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      if (feed.readDelayMs) {
        code = Number(readFileSync(codeFile, "utf8"));
        rmSync(codeFile);
      }
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    if (child.stdin) {
      child.stdin.on("error", () => undefined); // EPIPE once the command has stopped reading
      const write = () => child.stdin!.end(input);
      if (feed.inputDelayMs) setTimeout(write, feed.inputDelayMs);
      else write();
    }
  });
}

/** A stats stream whose final reply is large: annotate replies with every event, here ~2 MB. */
function bigAnnotateStream(): Buffer {
  const rows: typeof RECORDS = [];
  for (let i = 0; i < 4000; i++) rows.push(...RECORDS);
  const body = splunkdCsv(rows, EVENT_FIELD_ORDER);
  return streamOf(["mode=annotate"], [[false, body], [true, body]]);
}

function statsStream(): Buffer {
  const body = splunkdCsv(RECORDS, EVENT_FIELD_ORDER);
  return streamOf([], [[false, body], [false, body], [true, body]]);
}

describe("command bundle I/O: blocking reads and writes, and the fallbacks", function () {
  this.timeout(120000);
  let dir = "";

  needBundleAndNode8();
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ekspodscan-io-"));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const node of NODES) {
    describe(node.name, () => {
      for (const [name, input] of [
        ["stats over three chunks", statsStream()],
        ["annotate with 2 MB replies", bigAnnotateStream()],
      ] as Array<[string, Buffer]>) {
        it(`${name}: the same bytes however stdin and stdout are set`, async () => {
          const plain = await runBundle(node.path, input);
          expect(plain.code).to.equal(0);
          expect(plain.stderr).to.equal("");
          const file = path.join(dir, "input.bin");
          writeFileSync(file, input);
          const feeds: Array<[string, Feed]> = [
            ["stdin non-blocking, input written at once", { nonBlocking: [0] }],
            ["stdin non-blocking, input written 300 ms late (a first read would block)", { nonBlocking: [0], inputDelayMs: 300 }],
            ["stdout non-blocking and full for a while", { nonBlocking: [1], readDelayMs: 300 }],
            ["stdin a regular file", { nonBlocking: [], stdinFile: file }],
          ];
          for (const [how, feed] of feeds) {
            const run = await runWith(node.path, input, feed);
            expect(run.stderr, how).to.equal("");
            expect(run.code, how).to.equal(0);
            expect(run.stdout.equals(plain.stdout), `${how}: same stdout bytes`).to.equal(true);
          }
        });
      }

      it("splunkd gone (stdout closed): exit 1 with a message on stderr, no hang", async () => {
        const run = await runWith(node.path, bigAnnotateStream(), { nonBlocking: [], closeStdoutAfter: 1 });
        expect(run.code).to.equal(1);
        expect(run.stderr).to.match(/^ekspodscan: cannot write to splunkd: .*EPIPE/);
      });
    });
  }
});
