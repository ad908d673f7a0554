// Staging and packing: what goes in, what stays out, and byte-identical tarballs from build to build.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { packApp } from "../tools/pack-app.mjs";
import { readTarball } from "../tools/read-tarball.mjs";
import { stageApp } from "../tools/stage-app.mjs";

const ROOT = path.resolve(__dirname, "..");
const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
const BUNDLE = "/* stand-in */\n";

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** A copy of the sources stageApp reads (app/, detections/, macros/, package.json) in a temp root. */
function copyRoot(dir: string): string {
  const root = path.join(dir, "root");
  mkdirSync(root, { recursive: true });
  for (const part of ["app", "detections", "macros"]) {
    cpSync(path.join(ROOT, part), path.join(root, part), {
      recursive: true,
      filter: (src) => path.relative(ROOT, src) !== path.join("app", "bin", "ekspodscan.js"),
    });
  }
  cpSync(path.join(ROOT, "package.json"), path.join(root, "package.json"));
  return root;
}

async function build(root: string, out: string, bundle = BUNDLE): Promise<string> {
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "bundle.js"), bundle);
  const staged = await stageApp({ root, commandBundle: path.join(out, "bundle.js"), outDir: out });
  return packApp({ root, stagedDir: staged, outDir: out });
}

describe("package: staging and packing", () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), "eks-build-"))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it("two builds give byte-identical tarballs (same sha256)", async () => {
    const a = await build(ROOT, path.join(tmp, "a"));
    const b = await build(ROOT, path.join(tmp, "b"));
    expect(path.basename(a)).to.equal(`eks_pod_scan-${VERSION}.tar.gz`);
    expect(sha256(a)).to.equal(sha256(b));
  });

  it("on-disk mtimes and permissions of the sources do not change a byte", async () => {
    const pristine = await build(ROOT, path.join(tmp, "a"));
    const root = copyRoot(tmp);
    chmodSync(path.join(root, "app", "README.md"), 0o600);
    chmodSync(path.join(root, "app", "default", "commands.conf"), 0o777);
    chmodSync(path.join(root, "app", "metadata"), 0o777);
    utimesSync(path.join(root, "app", "default", "searchbnf.conf"), new Date(0), new Date(1e12));
    const shuffled = await build(root, path.join(tmp, "b"));
    expect(sha256(shuffled)).to.equal(sha256(pristine));
  });

  it("leaves out dot-files, local/, local.meta and __MACOSX from app/", async () => {
    const root = copyRoot(tmp);
    const junk = [".DS_Store", "default/._commands.conf", "local/macros.conf", "metadata/local.meta", "__MACOSX/x", ".git/HEAD"];
    for (const rel of junk) {
      mkdirSync(path.dirname(path.join(root, "app", rel)), { recursive: true });
      writeFileSync(path.join(root, "app", rel), "junk\n");
    }
    const pristine = await build(ROOT, path.join(tmp, "a"));
    const withJunk = await build(root, path.join(tmp, "b"));
    expect(sha256(withJunk)).to.equal(sha256(pristine));
  });

  it("restaging clears files left in dist/eks_pod_scan by an earlier build", async () => {
    const out = path.join(tmp, "a");
    const first = await build(ROOT, out);
    const before = sha256(first);
    writeFileSync(path.join(out, "eks_pod_scan", "default", "stale.conf"), "[x]\n");
    expect(sha256(await build(ROOT, out))).to.equal(before);
  });

  it("refuses a command bundle that is an executable of its own (a #! line): node runs it", async () => {
    let error: unknown;
    try {
      await build(ROOT, path.join(tmp, "a"), "#!/usr/bin/env node\nconsole.log(1)\n");
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/must not be an executable: bin\/ekspodscan.py runs it with node$/);
  });

  it("refuses a hand-written copy of a rendered conf in app/", async () => {
    const root = copyRoot(tmp);
    writeFileSync(path.join(root, "app", "default", "savedsearches.conf"), "[x]\n");
    let error: unknown;
    try {
      await build(root, path.join(tmp, "b"));
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/app\/default\/savedsearches.conf is rendered at build time/);
  });

  it("stages with the package's modes on disk too (755 for bin/ekspodscan.py and directories, 644 else)", async () => {
    const out = path.join(tmp, "a");
    await build(ROOT, out);
    const mode = (rel: string) => (require("node:fs").statSync(path.join(out, "eks_pod_scan", rel)).mode & 0o777).toString(8);
    const rels = ["", "bin", "bin/ekspodscan.py", "bin/ekspodscan.js", "default/app.conf", "README.md"];
    expect(rels.map(mode)).to.deep.equal(["755", "755", "755", "644", "644", "644"]);
  });

  it("SOURCE_DATE_EPOCH sets every entry's mtime; the gzip header stays at 0", async () => {
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = "1700000000";
    try {
      const { gzip, entries } = await readTarball(await build(ROOT, path.join(tmp, "a")));
      expect(gzip.mtime).to.equal(0);
      expect(new Set(entries.map((e) => e.mtime))).to.deep.equal(new Set([1700000000]));
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });

  it("writes plain ustar headers: no pax or GNU long-name records, names without ./", async () => {
    const raw = gunzipSync(readFileSync(await build(ROOT, path.join(tmp, "a"))));
    const typeflags = new Set<string>();
    const names: string[] = [];
    for (let off = 0; off + 512 <= raw.length; ) {
      const header = raw.subarray(off, off + 512);
      if (header.every((b) => b === 0)) break;
      typeflags.add(String.fromCharCode(header[156]));
      names.push(header.subarray(0, 100).toString("latin1").replace(/\0.*$/s, ""));
      expect(header.subarray(257, 263).toString("latin1")).to.equal("ustar\0");
      const size = parseInt(header.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect([...typeflags].sort()).to.deep.equal(["0", "5"]);
    expect(names[0]).to.equal("eks_pod_scan/");
    expect(names.filter((n) => n.startsWith("./"))).to.deep.equal([]);
  });
});

describe("package: the dist/ tarball from node build.mjs is reproducible", () => {
  const tarball = path.join(ROOT, "dist", `eks_pod_scan-${VERSION}.tar.gz`);
  let tmp: string;

  before(function () {
    if (!existsSync(tarball)) this.skip(); // run `node build.mjs` (npm test does) first
    tmp = mkdtempSync(path.join(os.tmpdir(), "eks-dist-"));
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it("restaging and repacking with the bundle it contains gives the same sha256", async () => {
    const { entries } = await readTarball(tarball);
    const bundle = entries.find((e) => e.name === "eks_pod_scan/bin/ekspodscan.js")!.data.toString("utf8");
    const again = await build(ROOT, tmp, bundle);
    expect(sha256(again), "rebuild with `node build.mjs` if the content changed since").to.equal(sha256(tarball));
  });
});
