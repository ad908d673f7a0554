// The app package checked against every AppInspect rule we can check without AppInspect
// (rule names as in splunk-appinspect's checks; facts in ../shared/reference/sdk-and-packaging.md §3
// and scp-v2-protocol.md §9-11). Run on a package built here with a stand-in command bundle, and
// again on dist/eks_pod_scan-<version>.tar.gz when `node build.mjs` has made it (npm test does).
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { confToMap } from "../tools/conf-parse.mjs";
import { packApp } from "../tools/pack-app.mjs";
import { readTarball, type TarEntry } from "../tools/read-tarball.mjs";
import { stageApp } from "../tools/stage-app.mjs";

const ROOT = path.resolve(__dirname, "..");
const VERSION: string = require("../package.json").version;
const ID = "eks_pod_scan";
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** Splunk's own conf files that this app may ship, and its one custom conf (read by bin/ekspodscan.py). */
const SPLUNK_CONFS = ["app.conf", "commands.conf", "macros.conf", "savedsearches.conf", "searchbnf.conf"];
const CUSTOM_CONFS = ["eks_pod_scan.conf"];
const CHUNKED_KEYS = /^(filename|chunked|is_risky|maxchunksize|maxwait|python\.version|command\.arg\.\d+)$/;
const CHUNKED_EXTENSIONS = [".py", ".pl", ".cmd", ".bat", ".exe", ".js", ".sh", ""];

interface Package {
  gzip: { mtime: number; os: number };
  entries: TarEntry[];
  files: Map<string, TarEntry>; // path below the top folder -> file entry
}

async function load(tarball: string): Promise<Package> {
  const { gzip, entries } = await readTarball(tarball);
  const files = new Map<string, TarEntry>();
  for (const e of entries) if (e.type === "file") files.set(e.name.slice(ID.length + 1), e);
  return { gzip, entries, files };
}

function text(pkg: Package, rel: string): string {
  const e = pkg.files.get(rel);
  if (!e) throw new Error(`package has no ${rel}`);
  return e.data.toString("utf8");
}

function conf(pkg: Package, rel: string): Map<string, Map<string, string>> {
  return confToMap(text(pkg, rel));
}

function appInspectChecks(getPackage: () => Package) {
  it("check_package_compression: valid non-empty gzip tar", () => {
    expect(getPackage().entries.length).to.be.greaterThan(1);
  });

  it("check_that_splunk_app_package_does_not_contain_files_outside_of_app: one top folder named as the id", () => {
    const { entries } = getPackage();
    expect(entries[0]).to.include({ name: `${ID}/`, type: "directory" });
    for (const e of entries) expect(e.name.startsWith(`${ID}/`), e.name).to.equal(true);
    for (const e of entries) expect(e.name.endsWith("/"), e.name).to.equal(e.type === "directory");
  });

  it("Cloud vetting: no path inside the tar starts with ./, no absolute paths or ..", () => {
    for (const { name } of getPackage().entries) {
      expect(name.startsWith("./") || name.startsWith("/") || name.split("/").includes(".."), name).to.equal(false);
    }
  });

  it("check_that_splunk_app_package_extracts_to_visible_directory / ..._name_does_not_start_with_period", () => {
    expect(ID.startsWith(".")).to.equal(false);
    expect(path.basename(`${ID}-${VERSION}.tar.gz`).startsWith(".")).to.equal(false);
  });

  it("check_that_extracted_splunk_app_does_not_contain_prohibited_directories_or_files: no dot-files, no __MACOSX", () => {
    for (const { name } of getPackage().entries) {
      for (const part of name.split("/").filter(Boolean)) {
        expect(part.startsWith(".") || part === "__MACOSX", name).to.equal(false);
      }
    }
  });

  it("check_that_local_does_not_exist / check_for_local_meta", () => {
    for (const { name } of getPackage().entries) {
      expect(name === `${ID}/local/` || name.startsWith(`${ID}/local/`), name).to.equal(false);
      expect(name).to.not.equal(`${ID}/metadata/local.meta`);
    }
  });

  it("modes: directories 755, files 644, only bin/ekspodscan.py 755 (splunkd's entry point, #!)", () => {
    const modes = getPackage().entries.map((e) => [e.name, e.mode.toString(8)]);
    expect(modes.filter(([, m]) => m === "755").map(([n]) => n)).to.deep.equal(
      getPackage()
        .entries.filter((e) => e.type === "directory")
        .map((e) => e.name)
        .concat(`${ID}/bin/ekspodscan.py`)
        .sort(),
    );
    expect(modes.filter(([, m]) => m !== "755" && m !== "644")).to.deep.equal([]);
    expect(getPackage().files.get("bin/ekspodscan.py")!.data.subarray(0, 23).toString()).to.equal("#!/usr/bin/env python3\n");
  });

  it("check_that_extracted_splunk_app_does_not_contain_invalid_directories: owner rwx on every directory", () => {
    for (const e of getPackage().entries.filter((x) => x.type === "directory")) expect(e.mode & 0o700, e.name).to.equal(0o700);
  });

  it("check_that_extracted_splunk_app_does_not_contain_files_with_invalid_permissions: owner rw on every file", () => {
    for (const e of getPackage().files.values()) expect(e.mode & 0o600, e.name).to.equal(0o600);
  });

  it("check_for_bin_files: no executable bit outside bin/ and appserver/controllers", () => {
    for (const [rel, e] of getPackage().files) {
      if (!rel.startsWith("bin/") && !rel.startsWith("appserver/controllers/")) expect(e.mode & 0o111, rel).to.equal(0);
    }
  });

  it("check_for_expansive_permissions: nothing world-writable", () => {
    for (const e of getPackage().entries) expect(e.mode & 0o002, e.name).to.equal(0);
  });

  it("check_for_executable_flag: no #! script or ELF/PE binary outside bin/", () => {
    for (const [rel, e] of getPackage().files) {
      if (rel.startsWith("bin/")) continue;
      const head = e.data.subarray(0, 4).toString("latin1");
      expect(head.startsWith("#!") || head === "\x7fELF" || head.startsWith("MZ"), rel).to.equal(false);
    }
  });

  it("check_that_extracted_splunk_app_does_not_contains_only_app_conf_file", () => {
    expect([...getPackage().files.keys()].sort()).to.deep.equal([
      "README.md",
      "README/eks_pod_scan.conf.spec",
      "bin/ekspodscan.js",
      "bin/ekspodscan.py",
      "default/app.conf",
      "default/commands.conf",
      "default/data/ui/nav/default.xml",
      "default/data/ui/views/eks_pod_scan_overview.xml",
      "default/eks_pod_scan.conf",
      "default/macros.conf",
      "default/savedsearches.conf",
      "default/searchbnf.conf",
      "metadata/default.meta",
    ]);
  });

  it("check_for_valid_package_id: [package] id = folder = [id] name, letters/digits/._- only, no app.manifest to disagree", () => {
    const app = conf(getPackage(), "default/app.conf");
    expect(app.get("package")!.get("id")).to.equal(ID);
    expect(app.get("id")!.get("name")).to.equal(ID);
    expect(ID).to.match(/^[A-Za-z_.-][A-Za-z0-9_.-]*[^.]$/);
    expect(ID).to.not.match(/\.(tar|tgz|spl)$/);
    expect(getPackage().files.has("app.manifest")).to.equal(false);
  });

  it("check_version_is_valid_semver / check_app_version: [id] and [launcher] version are package.json's semver", () => {
    const app = conf(getPackage(), "default/app.conf");
    expect(app.get("id")!.get("version")).to.equal(VERSION);
    expect(app.get("launcher")!.get("version")).to.equal(VERSION);
    expect(VERSION).to.match(SEMVER);
    expect(VERSION).to.match(/^\d+\.\d+\.\d+$/);
  });

  it("app.conf [install] build is a positive integer; check_that_setup_has_not_been_performed", () => {
    const install = conf(getPackage(), "default/app.conf").get("install")!;
    expect(install.get("build")).to.match(/^[1-9]\d*$/);
    expect(install.get("is_configured")).to.be.oneOf([undefined, "false", "0"]);
  });

  it("check_for_valid_ui_label: 5-80 characters, no 'Splunk For' prefix", () => {
    const label = conf(getPackage(), "default/app.conf").get("ui")!.get("label")!;
    expect(label.length).to.be.within(5, 80);
    expect(label.toLowerCase().startsWith("splunk for")).to.equal(false);
  });

  it("[launcher] description at most 200 characters", () => {
    expect(conf(getPackage(), "default/app.conf").get("launcher")!.get("description")!.length).to.be.within(1, 200);
  });

  it("check_no_install_source_checksum / check_no_install_source_local_checksum", () => {
    const install = conf(getPackage(), "default/app.conf").get("install")!;
    expect(install.has("install_source_checksum")).to.equal(false);
    expect(install.has("install_source_local_checksum")).to.equal(false);
  });

  it("check_for_trigger_stanza / check_reload_trigger_for_all_custom_confs / check_that_all_custom_conf_files_have_spec", () => {
    const confs = [...getPackage().files.keys()].filter((f) => f.startsWith("default/") && f.endsWith(".conf")).map((f) => f.slice(8));
    for (const c of confs) expect(SPLUNK_CONFS.concat(CUSTOM_CONFS), c).to.include(c);
    const triggers = conf(getPackage(), "default/app.conf").get("triggers")!;
    expect(Object.fromEntries(triggers)).to.deep.equal(Object.fromEntries(CUSTOM_CONFS.map((c) => [`reload.${c.replace(/\.conf$/, "")}`, "simple"])));
    for (const c of CUSTOM_CONFS) expect(getPackage().files.has(`README/${c}.spec`), c).to.equal(true);
  });

  it("check_meta_default_write_access: a global stanza with access write roles, not *", () => {
    const meta = conf(getPackage(), "metadata/default.meta");
    const global = meta.get("") || meta.get("default");
    expect(global).to.not.equal(undefined);
    expect(global!.get("access")).to.equal("read : [ * ], write : [ admin, sc_admin ]");
    expect(global!.get("export")).to.equal("system");
    expect(/write\s*:\s*\[\s*\*\s*\]/.test(global!.get("access")!)).to.equal(false);
  });

  it("check_kos_are_accessible: sc_admin wherever admin is granted", () => {
    const meta = text(getPackage(), "metadata/default.meta");
    for (const line of meta.split("\n").filter((l) => /\badmin\b/.test(l))) expect(line).to.include("sc_admin");
  });

  it("check_default_meta_exists: commands.conf comes with metadata/default.meta", () => {
    expect(getPackage().files.has("default/commands.conf")).to.equal(true);
    expect(getPackage().files.has("metadata/default.meta")).to.equal(true);
  });

  it("check_ignored_parameters_v2_command: a chunked command has only filename/chunked/is_risky/maxchunksize/maxwait/python.version/command.arg.N", () => {
    const commands = conf(getPackage(), "default/commands.conf");
    expect([...commands.keys()]).to.deep.equal(["ekspodscan"]);
    const stanza = commands.get("ekspodscan")!;
    expect(Object.fromEntries(stanza)).to.deep.equal({ chunked: "true", filename: "ekspodscan.py", "python.version": "python3" });
    for (const key of stanza.keys()) expect(key).to.match(CHUNKED_KEYS);
  });

  it("check_command_scripts_exist: the script is in bin/ with an extension allowed for chunked commands; name lowercase alphanumeric", () => {
    for (const [name, stanza] of conf(getPackage(), "default/commands.conf")) {
      expect(name).to.match(/^[a-z0-9]+$/);
      const filename = stanza.get("filename")!;
      expect(CHUNKED_EXTENSIONS).to.include(path.extname(filename));
      expect(getPackage().files.has(`bin/${filename}`), filename).to.equal(true);
    }
  });

  it("check_basic_readme: a README at the app root with content", () => {
    const readme = [...getPackage().files.keys()].find((f) => !f.includes("/") && /^readme/i.test(f));
    expect(readme).to.equal("README.md");
    expect(text(getPackage(), readme!).trim().length).to.be.greaterThan(500);
  });

  it("searchbnf.conf: syntax, description, usage = public, an example for every option, phase not advertised", () => {
    const bnf = conf(getPackage(), "default/searchbnf.conf");
    const cmd = bnf.get("ekspodscan-command")!;
    for (const key of ["syntax", "description", "shortdesc"]) expect(cmd.get(key), key).to.be.a("string").and.not.equal("");
    expect(cmd.get("usage")).to.equal("public");
    const examples = [...cmd].filter(([k]) => /^example\d+$/.test(k)).map(([, v]) => v);
    for (const k of [...cmd.keys()].filter((k) => /^example\d+$/.test(k))) expect(cmd.has(k.replace("example", "comment")), k).to.equal(true);
    for (const option of ["mode=annotate", "mode=filter", "match=broad", "enrich=true"]) {
      expect(examples.some((e) => e.includes(`ekspodscan ${option}`) || e.includes(` ${option}`)), option).to.equal(true);
    }
    expect(examples.some((e) => /\| ekspodscan$/.test(e)), "the default form").to.equal(true);
    expect(bnf.get("ekspodscan-mode")!.get("syntax")).to.equal("mode=(stats|annotate|filter)");
    expect(bnf.get("ekspodscan-match")!.get("syntax")).to.equal("match=(exact|broad)");
    expect(bnf.get("ekspodscan-enrich")!.get("syntax")).to.equal("enrich=<bool>");
    const everything = [...bnf.values()].flatMap((s) => [...s.entries()]).filter(([k]) => !k.startsWith("comment"));
    for (const [, v] of everything) expect(v).to.not.include("phase=");
  });

  it("tar headers: uid/gid 0 without names, one fixed mtime, each directory before its children, siblings sorted", () => {
    const { entries } = getPackage();
    for (const e of entries) {
      expect([e.uid, e.gid, e.uname, e.gname], e.name).to.deep.equal([0, 0, "", ""]);
      expect(e.mtime, e.name).to.equal(entries[0].mtime);
    }
    const names = entries.map((e) => e.name.replace(/\/$/, ""));
    const treeOrder = [...names].sort((a, b) => {
      const pa = a.split("/");
      const pb = b.split("/");
      for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
      return pa.length - pb.length;
    });
    expect(names).to.deep.equal(treeOrder);
  });
}

describe("package: AppInspect rules checked offline (package built here, stand-in bundle)", () => {
  let tmp: string;
  let pkg: Package;
  const bundle = "/* stand-in for the ekspodscan bundle */\n";

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "eks-pkg-"));
    writeFileSync(path.join(tmp, "bundle.js"), bundle);
    const staged = await stageApp({ root: ROOT, commandBundle: path.join(tmp, "bundle.js"), outDir: tmp });
    const tarball = await packApp({ root: ROOT, stagedDir: staged, outDir: tmp });
    expect(path.basename(tarball)).to.equal(`${ID}-${VERSION}.tar.gz`);
    pkg = await load(tarball);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  appInspectChecks(() => pkg);

  it("ships the given bundle as bin/ekspodscan.js, byte for byte", () => {
    expect(text(pkg, "bin/ekspodscan.js")).to.equal(bundle);
  });

  it("gzip header: mtime 0, OS unknown (0xff); entries dated 2020-04-15T00:00:00Z", () => {
    expect(pkg.gzip).to.deep.equal({ mtime: 0, os: 0xff });
    expect(pkg.entries[0].mtime).to.equal(1586908800);
  });
});

describe("package: AppInspect rules checked offline (dist/ tarball from node build.mjs)", () => {
  const tarball = path.join(ROOT, "dist", `${ID}-${VERSION}.tar.gz`);
  let pkg: Package;

  before(async function () {
    if (!existsSync(tarball)) this.skip(); // run `node build.mjs` (npm test does) to check the real package
    pkg = await load(tarball);
  });

  appInspectChecks(() => pkg);

  it("bin/ekspodscan.js is the real bundle: the version banner first, no shebang (node runs it)", () => {
    expect(text(pkg, "bin/ekspodscan.js")).to.match(new RegExp(`^/\\*! ekspodscan ${VERSION.replace(/\./g, "\\.")} `));
  });
});
