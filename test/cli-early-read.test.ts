/** hunt reads while the command starts (src/cli/early-read.ts): nothing lost, nothing said too soon. */
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EARLY_EVENTS, EarlyRead, HeldOutput } from "../src/cli/early-read";

const ROOT = path.resolve(__dirname, "..");

async function* numbers(batches: number, size: number, log: string[], failAt = -1): AsyncGenerator<number[]> {
  try {
    for (let b = 0; b < batches; b++) {
      if (b === failAt) throw new Error(`cannot read batch ${b}`);
      log.push(`read ${b}`);
      yield Array.from({ length: size }, (_, i) => b * size + i);
    }
  } finally {
    log.push("closed");
  }
}

async function collect(source: AsyncIterable<number[]>): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of source) out.push(...batch);
  return out;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

class Sink {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe("cli: reading while the command starts", () => {
  it("reads ahead before it is asked, then hands over every batch in order, the rest as it comes", async () => {
    const log: string[] = [];
    const early = new EarlyRead(() => numbers(5, 10, log));
    await tick();
    expect(log).to.deep.equal(["read 0", "read 1", "read 2", "read 3", "read 4", "closed"]);
    expect(await collect(early.events())).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });

  it("holds at most one execute chunk's worth of events before it is asked", async () => {
    const log: string[] = [];
    const size = 1000;
    const early = new EarlyRead(() => numbers(2 * (EARLY_EVENTS / size), size, log));
    await tick();
    expect(log.length).to.equal(EARLY_EVENTS / size);
    expect((await collect(early.events())).length).to.equal(2 * EARLY_EVENTS);
    expect(log[log.length - 1]).to.equal("closed");
  });

  it("a reading that fails early fails when the events are asked for, after what was read", async () => {
    const log: string[] = [];
    const early = new EarlyRead(() => numbers(5, 2, log, 2));
    await tick();
    const got: number[] = [];
    let failure = "";
    try {
      for await (const batch of early.events()) got.push(...batch);
    } catch (err) {
      failure = (err as Error).message;
    }
    expect([got, failure]).to.deep.equal([[0, 1, 2, 3], "cannot read batch 2"]);
  });

  it("abandoned, it stops and lets the input go", async () => {
    const log: string[] = [];
    const early = new EarlyRead(() => numbers(2 * (EARLY_EVENTS / 10), 10, log));
    early.abandon();
    await tick();
    expect(log[log.length - 1]).to.equal("closed");
    expect(log.length).to.be.lessThan(5);
  });

  it("left early by its consumer (the command failed), it still closes the source", async () => {
    const log: string[] = [];
    const early = new EarlyRead(() => numbers(5, 10, log));
    await tick();
    for await (const batch of early.events()) if (batch.length > 0) break;
    expect(log[log.length - 1]).to.equal("closed");
    const later: string[] = [];
    const slow = new EarlyRead(() => numbers(2 * (EARLY_EVENTS / 10), 10, later));
    for await (const batch of slow.events()) if (batch.length > 0) break;
    expect(later[later.length - 1]).to.equal("closed");
  });

  it("what the reading says waits for release(), and after drop() nothing is said", () => {
    const sink = new Sink();
    const held = new HeldOutput(sink as unknown as NodeJS.WriteStream);
    held.write("a\n");
    expect(sink.text).to.equal("");
    held.release();
    held.write("b\n");
    expect(sink.text).to.equal("a\nb\n");
    const dropped = new HeldOutput(sink as unknown as NodeJS.WriteStream);
    dropped.write("c\n");
    dropped.drop();
    dropped.write("d\n");
    dropped.release();
    expect(sink.text).to.equal("a\nb\n");
  });

  it("hunt: a command that cannot start says only that, though the input had records to reject", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-early-"));
    const input = path.join(dir, "bad.jsonl");
    writeFileSync(input, '{"kind":"Event"}\n[1]\nnot json\n');
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", "--input", input, "--node", "/nonexistent/node"], { cwd: ROOT, encoding: "utf8" });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).to.deep.equal({
      status: 1,
      stdout: "",
      stderr: `eks-pod-scan: cannot run ekspodscan (/nonexistent/node ${path.join(ROOT, "app", "bin", "ekspodscan.js")}): spawn /nonexistent/node ENOENT\n`,
    });
  });

  it("hunt: stdin that never ends does not keep hunt from exiting when the command cannot start", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", "--input", "-", "--node", "/nonexistent/node"], { cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdin.write('{"kind":"Event"}\n'); // and never ends it
    const code = await Promise.race([new Promise((resolve) => child.on("exit", resolve)), new Promise((resolve) => setTimeout(() => resolve("still running after 15 s"), 15_000))]);
    child.kill();
    expect(code).to.equal(1);
    expect(stderr).to.match(/^eks-pod-scan: cannot run ekspodscan .*ENOENT\n$/);
  });
});
