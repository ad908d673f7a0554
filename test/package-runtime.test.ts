// The runtime rules of AppInspect 10.0 checked offline on the packages that `node build.mjs
// --with-node linux-x64` writes (npm test's pretest does), facts in ../shared/reference/
// splunk-node-runtime.md §3: no .js command, no file that invokes Splunk's bundled node, entry points
// that splunkd can find and run. And the linux-x64 package: its node, reproducibly.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { confToMap } from "../tools/conf-parse.mjs";
import { packWithNode } from "../tools/pack-with-node.mjs";
import { readTarball, type TarEntry } from "../tools/read-tarball.mjs";

const ROOT = path.resolve(__dirname, "..");
const VERSION: string = require("../package.json").version;
const ID = "eks_pod_scan";
const PACKAGES = [`${ID}-${VERSION}.tar.gz`, `${ID}-${VERSION}-linux-x64.tar.gz`];
/**
 * check_invoking_bundled_node's two patterns, over every file but these text types. Built from
 * parts: written out whole, they would make this file fail the same check.
 */
const CMD = "c" + "md";
const NODE = "no" + "de";
const BUNDLED_NODE_PATTERNS = [new RegExp(`${CMD} ${NODE}`), new RegExp(`("|')${CMD}("|'), ?("|')${NODE}("|')`)];
const TEXT_TYPES = [".txt", ".md", ".org", ".rst"];
/** Where check_command_scripts_exist looks for a chunked command's filename (commands.conf.spec). */
const SCRIPT_DIRS = ["bin", "linux_x86_64/bin", "windows_x86_64/bin", "darwin_x86_64/bin"];

function files(entries: TarEntry[]): Map<string, TarEntry> {
  const out = new Map<string, TarEntry>();
  for (const e of entries) if (e.type === "file") out.set(e.name.slice(ID.length + 1), e);
  return out;
}

for (const name of PACKAGES) {
  describe(`package runtime: ${name} (AppInspect 10.0 rules, offline)`, function () {
    this.timeout(60000);
    const tarball = path.join(ROOT, "dist", name);
    let pkg: Map<string, TarEntry>;

    before(async function () {
      if (!existsSync(tarball)) this.skip(); // built by npm test's pretest
      pkg = files((await readTarball(tarball)).entries);
    });

    it("check_js_use_in_custom_search_commands: no commands.conf filename ends in .js", () => {
      const commands = confToMap(pkg.get("default/commands.conf")!.data.toString("utf8"));
      const filenames = [...commands.values()].map((stanza) => stanza.get("filename"));
      expect(filenames).to.deep.equal(["ekspodscan.py"]);
      for (const f of filenames) expect(f!.endsWith(".js"), f).to.equal(false);
    });

    it("check_invoking_bundled_node: no file but .txt/.md/.org/.rst matches either pattern, comments and binaries included", () => {
      const hits: string[] = [];
      for (const [rel, e] of pkg) {
        if (TEXT_TYPES.includes(path.extname(rel))) continue;
        const text = e.data.toString("latin1");
        for (const pattern of BUNDLED_NODE_PATTERNS) if (pattern.test(text)) hits.push(`${rel} ${pattern}`);
      }
      expect(hits).to.deep.equal([]);
    });

    it("check_command_scripts_exist: every command's filename is in bin/, mode 755, a python3 script", () => {
      const commands = confToMap(pkg.get("default/commands.conf")!.data.toString("utf8"));
      for (const [command, stanza] of commands) {
        const filename = stanza.get("filename")!;
        const found = SCRIPT_DIRS.map((dir) => `${dir}/${filename}`).filter((rel) => pkg.has(rel));
        expect(found, command).to.deep.equal([`bin/${filename}`]);
        expect(pkg.get(found[0])!.mode.toString(8), filename).to.equal("755");
        expect(pkg.get(found[0])!.data.toString("utf8", 0, 23)).to.equal("#!/usr/bin/env python3\n");
        expect(stanza.get("python.version")).to.equal("python3");
      }
    });

    it("the node bundle is data for node, not an entry point: mode 644, no shebang", () => {
      const bundle = pkg.get("bin/ekspodscan.js")!;
      expect([bundle.mode.toString(8), bundle.data.toString("latin1", 0, 2) === "#!"]).to.deep.equal(["644", false]);
      expect(bundle.data.length).to.be.below(200 * 1024);
    });
  });
}

describe("package runtime: the linux-x64 package bundles node", function () {
  this.timeout(180000);
  const tarball = path.join(ROOT, "dist", PACKAGES[1]);
  const nodeVersion: string = require("../package.json").eksPodScan.bundledNode;

  before(function () {
    if (!existsSync(tarball)) this.skip(); // built by npm test's pretest
  });

  it("holds bin/node/linux-x64/{node 755, LICENSE, README.txt}, the small package's files, a binary declaration", async () => {
    const small = files((await readTarball(path.join(ROOT, "dist", PACKAGES[0]))).entries);
    const big = files((await readTarball(tarball)).entries);
    const added = [...big.keys()].filter((rel) => !small.has(rel));
    expect(added).to.deep.equal(["bin/node/linux-x64/LICENSE", "bin/node/linux-x64/README.txt", "bin/node/linux-x64/node"]);
    for (const [rel, e] of small) if (rel !== "README.md") expect(big.get(rel)!.data.equals(e.data), rel).to.equal(true);
    const readme = big.get("README.md")!.data.toString("utf8");
    expect(readme.startsWith(small.get("README.md")!.data.toString("utf8"))).to.equal(true);
    // check_for_binary_files_without_source_code: a README names the binary under this heading.
    expect(readme).to.match(/\n# Binary File Declaration\n\n- `bin\/node\/linux-x64\/node`: Node\.js v\d+\.\d+\.\d+ for linux-x64/);
    const node = big.get("bin/node/linux-x64/node")!;
    expect([node.mode.toString(8), node.data.toString("latin1", 0, 4)]).to.deep.equal(["755", "\x7fELF"]);
    expect(node.data.toString("latin1")).to.include(`v${nodeVersion}`);
  });

  it("is reproducible: packing it again gives the same bytes (sha256)", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "eks-with-node-"));
    try {
      const again = await packWithNode({ root: ROOT, platform: "linux-x64", commandBundle: path.join(ROOT, "app", "bin", "ekspodscan.js"), outDir: out });
      const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
      expect(path.basename(again)).to.equal(PACKAGES[1]);
      expect(sha(again)).to.equal(sha(tarball));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("an unknown platform is refused by name, before anything is fetched or written", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "eks-with-node-"));
    try {
      let error: unknown;
      try {
        await packWithNode({ root: ROOT, platform: "solaris-sparc", commandBundle: path.join(ROOT, "app", "bin", "ekspodscan.js"), outDir: out });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.equal("Error: --with-node: unknown platform solaris-sparc; one of linux-x64, windows-x64, darwin-x64, darwin-arm64");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
