/** hunt --jobs: decode workers change nothing hunt prints, and a bad count is a usage error. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = path.join(ROOT, "samples", "eks-audit-sample.jsonl.gz");

function hunt(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("eks-pod-scan hunt --jobs", function () {
  this.timeout(120000);

  for (const args of [["--format", "csv"], ["--mode", "filter", "--format", "json"], ["--match", "broad", "--enrich", "--by", "client", "--format", "csv"]]) {
    it(`prints the same with 2 decode workers as with none: ${args.join(" ")}`, () => {
      const none = hunt(["--input", SAMPLE, "--jobs", "0", ...args]);
      const two = hunt(["--input", SAMPLE, "--jobs", "2", ...args]);
      expect(none.status).to.equal(0);
      expect(none.stdout.split("\n").length).to.be.greaterThan(10);
      expect(two).to.deep.equal(none);
    });
  }

  it("a count that is not a whole number from 0 to 16 exits 2 with the reason", () => {
    for (const bad of ["x", "17", "-1", "1.5", ""]) {
      expect(hunt(["--input", SAMPLE, `--jobs=${bad}`]), bad).to.deep.equal({
        status: 2,
        stdout: "",
        stderr: `eks-pod-scan: --jobs must be a whole number from 0 to 16, not ${JSON.stringify(bad)}\n`,
      });
    }
  });
});
