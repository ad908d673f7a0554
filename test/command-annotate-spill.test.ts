/**
 * The bundle with a tiny spill threshold (EKSPODSCAN_SPILL_BYTES): annotate's reply goes through a
 * file in the dispatch directory and comes out byte for byte as when held in memory; the file is
 * gone after the run, also after a failed one.
 */
import { expect } from "chai";
import { mkdtempSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import { BUNDLE, NODES, needBundleAndNode8, runBundle } from "./support/command-process";
import { runArgv } from "./support/spawn-run";
import { streamOf } from "./support/command-run";
import { EVENT_FIELD_ORDER, RECORDS } from "./support/command-events";
import { splunkdCsv } from "./support/command-streams";

describe("command bundle: annotate's reply spilled to the dispatch directory", function () {
  this.timeout(120000);
  let dir = "";
  needBundleAndNode8();
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ekspodscan-dispatch-"));
  });
  afterEach(() => rmdirSync(dir));

  const spilling = (node: string, input: Buffer) =>
    runArgv([node, BUNDLE], input, { cwd: path.dirname(BUNDLE), env: { ...process.env, EKSPODSCAN_SPILL_BYTES: "1" } });
  const rows: typeof RECORDS = [];
  for (let i = 0; i < 4000; i++) rows.push(...RECORDS);
  const body = splunkdCsv(rows, EVENT_FIELD_ORDER);

  for (const node of NODES) {
    it(`${node.name}: the same bytes as in memory, and no file left`, async () => {
      const input = streamOf(["mode=annotate"], [[false, body], [true, body]], { dispatchDir: dir });
      const held = await runBundle(node.path, input);
      const spilled = await spilling(node.path, input);
      expect(spilled.stderr).to.equal("");
      expect(spilled.code).to.equal(0);
      expect(held.stdout.length).to.be.above(4 * 1024 * 1024); // several 1 MB blocks, spilled
      expect(spilled.stdout.equals(held.stdout)).to.equal(true);
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it(`${node.name}: a chunk that fails after spilling leaves no file`, async () => {
      const bad = body + '"unterminated\n';
      const input = streamOf(["mode=annotate"], [[true, bad]], { dispatchDir: dir });
      const run = await spilling(node.path, input);
      expect(run.code).to.equal(1);
      expect(run.stdout.toString("latin1")).to.contain('"error"');
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it(`${node.name}: a dispatch directory it cannot write in is a clear error chunk, exit 1`, async () => {
      const notDir = path.join(dir, "file");
      writeFileSync(notDir, "");
      const run = await spilling(node.path, streamOf(["mode=annotate"], [[true, body]], { dispatchDir: notDir }));
      unlinkSync(notDir);
      expect(run.code).to.equal(1);
      const text = run.stdout.toString("utf8");
      expect(text).to.contain(`"error":"cannot hold the reply in ${notDir}/ekspodscan-reply-`);
      expect(text).to.contain("ENOTDIR");
    });
  }
});
