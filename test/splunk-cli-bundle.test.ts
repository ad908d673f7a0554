import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSplunkStandin, type SplunkStandin } from "./support/splunk-standin";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "dist", "cli", "eks-pod-scan.js");
const TOKEN = "standin-bearer-token-value";

interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI in its own process (asynchronously, so the in-process stand-in keeps serving). */
function runBundle(argv: string[], env: { [name: string]: string }, cwd: string): Promise<ProcessRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...argv], { cwd, env: { PATH: process.env.PATH || "", ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe("bundled CLI (dist/cli/eks-pod-scan.js) against the HTTPS splunkd stand-in", () => {
  let standin: SplunkStandin;
  let cwd: string;
  before(function () {
    if (!existsSync(CLI)) this.skip(); // built by npm test's pretest (node build.mjs)
  });
  beforeEach(async () => {
    standin = await startSplunkStandin((state) => {
      state.apps.eks_pod_scan = {
        version: "1.0.0",
        commands: {},
        savedSearches: ["EKS Pod Scan - Amazon EKS Kubernetes Pod scan detection - Rule"],
        macros: {},
      };
      state.results = { fields: ["src_ip", "count"], rows: [["203.0.113.7", "4"]] };
    });
    // A stray .env where the operator happens to be: it must not change anything.
    cwd = mkdtempSync(path.join(os.tmpdir(), "splunk-bundle-"));
    writeFileSync(path.join(cwd, ".env"), "LOG_LEVEL=ALL\nT=token-from-dotenv\n");
  });
  afterEach(async () => {
    await standin.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("search runs end to end with splunk-sdk loaded from node_modules at run time (exit 0)", async () => {
    const run = await runBundle(["search", "--url", standin.url, "--ca", standin.caFile, "--token-env", "T", "--format", "json", "--earliest", "-7d"], { T: TOKEN }, cwd);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal([{ src_ip: "203.0.113.7", count: 4 }]);
    expect(standin.requests[1].form["dispatch.earliest_time"]).to.equal("-7d");
    expect(run.stdout + run.stderr).to.not.contain(TOKEN);
  });

  it("exit codes from the process: 1 for a TLS failure, 2 for a usage error; no secret printed", async () => {
    const tls = await runBundle(["search", "--url", standin.url, "--token-env", "T"], { T: TOKEN }, cwd);
    expect(tls.code).to.equal(1);
    expect(tls.stderr).to.contain("TLS verification failed");
    const usage = await runBundle(["tune", "--min-count", "x", "--app-dir", cwd], {}, cwd);
    expect([usage.code, usage.stderr]).to.deep.equal([2, 'eks-pod-scan tune: --min-count: "x" is not a whole number\n']);
    expect(tls.stdout + tls.stderr + usage.stdout + usage.stderr).to.not.contain(TOKEN);
  });
});
