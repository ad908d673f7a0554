import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runWith } from "../src/cli/deploy";
import { runCli } from "./support/splunk-cli";
import { startSplunkStandin, type SplunkStandin, type StandinApp } from "./support/splunk-standin";
import { writeTarGz, type TarEntry } from "./support/splunk-tarball";

const ROOT = path.resolve(__dirname, "..");
const STAGED_APP = path.join(ROOT, "dist", "eks_pod_scan");
const TOKEN = "standin-bearer-token-value";
const deploy = (argv: string[], env: { [name: string]: string } = {}) => runCli(runWith, argv, env);

/** Relative paths of every file under dir, sorted. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]))
    .sort();
}

const APP_CONF = "[launcher]\nversion = 2.3.4\n\n[package]\nid = eks_pod_scan\n";
const COMMANDS_CONF = "[ekspodscan]\nchunked = true\nfilename = ekspodscan.js\n";

function appEntries(commands = COMMANDS_CONF, extra: TarEntry[] = []): TarEntry[] {
  return [
    { name: "eks_pod_scan/", type: "directory" },
    { name: "eks_pod_scan/default/app.conf", content: APP_CONF },
    { name: "eks_pod_scan/default/commands.conf", content: commands },
    { name: "eks_pod_scan/bin/ekspodscan.js", content: "#!/usr/bin/env node\n", mode: 0o4777 },
    ...extra,
  ];
}

const RELOAD = "POST /services/apps/local/eks_pod_scan/_reload to splunkd (https://localhost:8089 by default), or open /debug/refresh in Splunk Web";
const SAVED = (cron: string): TarEntry => ({ name: "eks_pod_scan/default/savedsearches.conf", content: `[EKS Pod Scan - Rule]\ncron_schedule = ${cron}\n` });

describe("splunk deploy --splunk-home (unpack into etc/apps on this host)", () => {
  let work: string;
  let home: string;
  let apps: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), "splunk-deploy-"));
    home = path.join(work, "splunk");
    apps = path.join(home, "etc", "apps");
    mkdirSync(apps, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it("installs the built package: the same files as the staged app, bin/ script executable, restart needed", async function () {
    const pkg = readdirSync(path.join(ROOT, "dist")).find((f) => /^eks_pod_scan-\d+\.\d+\.\d+\.tar\.gz$/.test(f));
    if (!pkg) this.skip(); // built by npm test's pretest
    const run = await deploy(["--package", path.join(ROOT, "dist", pkg!), "--splunk-home", home]);
    const version = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
    expect([run.code, run.stderr, run.stdout]).to.deep.equal([
      0,
      "",
      `installed eks_pod_scan ${version} at ${path.join(apps, "eks_pod_scan")}\n` +
        filesUnder(STAGED_APP)
          .map((file) => {
            // A new app: splunkd reads it, its confs and its command, when it starts.
            const effect = /^README(\.md$|\/)/.test(file) ? "nothing to do (splunkd does not read it)" : "takes effect after a restart of splunkd";
            return `added ${file}: ${effect}\n`;
          })
          .join("") +
        "restart needed: yes (a new app: splunkd loads it when it starts)\nreload needed: no\n",
    ]);
    const installed = path.join(apps, "eks_pod_scan");
    expect(filesUnder(installed)).to.deep.equal(filesUnder(STAGED_APP));
    for (const file of filesUnder(STAGED_APP)) {
      expect(readFileSync(path.join(installed, file)), file).to.deep.equal(readFileSync(path.join(STAGED_APP, file)));
    }
    expect(statSync(path.join(installed, "bin", "ekspodscan.py")).mode & 0o7777).to.equal(0o755);
    expect(readdirSync(apps)).to.deep.equal(["eks_pod_scan"]);
  });

  it("an update replaces default files, drops stale ones, keeps local/ and metadata/local.meta; same commands.conf: no restart", async () => {
    const pkg = path.join(work, "app.tar.gz");
    await writeTarGz(pkg, appEntries());
    expect((await deploy(["--package", pkg, "--splunk-home", home])).code).to.equal(0);
    const installed = path.join(apps, "eks_pod_scan");
    mkdirSync(path.join(installed, "local"));
    writeFileSync(path.join(installed, "local", "macros.conf"), "[x]\ndefinition = mine\n");
    mkdirSync(path.join(installed, "metadata"));
    writeFileSync(path.join(installed, "metadata", "local.meta"), "[]\naccess = read : [ * ]\n");
    writeFileSync(path.join(installed, "default", "stale.conf"), "old\n");

    const run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect(run.stdout).to.equal(
      `updated eks_pod_scan 2.3.4 at ${installed}\n` +
        "removed default/stale.conf: takes effect after a reload or a restart\n" +
        `restart needed: no\nreload needed: yes (default/stale.conf changed): ${RELOAD}\n`,
    );
    expect(filesUnder(installed)).to.deep.equal([
      "bin/ekspodscan.js",
      "default/app.conf",
      "default/commands.conf",
      "local/macros.conf",
      "metadata/local.meta",
    ]);
    expect(readFileSync(path.join(installed, "local", "macros.conf"), "utf8")).to.equal("[x]\ndefinition = mine\n");
    // setuid and world-write from the tar header are dropped
    expect(statSync(path.join(installed, "bin", "ekspodscan.js")).mode & 0o7777).to.equal(0o755);
    expect(readdirSync(apps)).to.deep.equal(["eks_pod_scan"]);
  });

  it("a changed commands.conf needs a restart", async () => {
    const pkg = path.join(work, "app.tar.gz");
    await writeTarGz(pkg, appEntries());
    await deploy(["--package", pkg, "--splunk-home", home]);
    await writeTarGz(pkg, appEntries(COMMANDS_CONF + "maxwait = 0\n", [SAVED("*/5 * * * *")]));
    const run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect(run.stdout.split("\n").slice(1)).to.deep.equal([
      "changed default/commands.conf: takes effect after a restart of splunkd",
      "added default/savedsearches.conf: takes effect after a reload or a restart",
      "restart needed: yes (default/commands.conf changed)",
      "reload needed: no (the restart reloads every conf)",
      "",
    ]);
  });

  it("only savedsearches.conf changed: no restart, but a reload, and says how; bin/ and README need neither", async () => {
    const pkg = path.join(work, "app.tar.gz");
    const readme = (text: string): TarEntry => ({ name: "eks_pod_scan/README.md", content: text });
    await writeTarGz(pkg, appEntries(COMMANDS_CONF, [SAVED("*/5 * * * *"), readme("v1\n")]));
    await deploy(["--package", pkg, "--splunk-home", home]);
    await writeTarGz(pkg, appEntries(COMMANDS_CONF, [SAVED("*/15 * * * *"), readme("v1\n")]));
    const installed = path.join(apps, "eks_pod_scan");
    let run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect([run.code, run.stderr, run.stdout]).to.deep.equal([
      0,
      "",
      `updated eks_pod_scan 2.3.4 at ${installed}\n` +
        "changed default/savedsearches.conf: takes effect after a reload or a restart\n" +
        `restart needed: no\nreload needed: yes (default/savedsearches.conf changed): ${RELOAD}\n`,
    ]);
    const entries = appEntries(COMMANDS_CONF, [SAVED("*/15 * * * *"), readme("v2\n")]);
    entries[3] = { ...entries[3], content: "#!/usr/bin/env node\n// v2\n" };
    await writeTarGz(pkg, entries);
    run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect(run.stdout).to.equal(
      `updated eks_pod_scan 2.3.4 at ${installed}\n` +
        "changed README.md: nothing to do (splunkd does not read it)\n" +
        "changed bin/ekspodscan.js: takes effect at the next search (splunkd starts the command anew for each one)\n" +
        "restart needed: no\nreload needed: no\n",
    );
    run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect(run.stdout).to.equal(`updated eks_pod_scan 2.3.4 at ${installed}\nno file changed\nrestart needed: no\nreload needed: no\n`);
  });

  const hostile: Array<[string, TarEntry[], string]> = [
    ["a parent-directory escape", [{ name: "eks_pod_scan/../../evil", content: "x" }], 'entry "eks_pod_scan/../../evil" is not a plain relative path'],
    ["a leading ..", [{ name: "../evil", content: "x" }], 'entry "../evil" is not a plain relative path'],
    ["an absolute path", [{ name: "/tmp/evil", content: "x" }], 'entry "/tmp/evil" is an absolute path'],
    ["a ./ prefix", [{ name: "./eks_pod_scan/x", content: "x" }], 'entry "./eks_pod_scan/x" is not a plain relative path'],
    ["a symlink", [{ name: "eks_pod_scan/bin/link", type: "symlink", linkname: "/etc/passwd" }], 'entry "eks_pod_scan/bin/link" is a symlink; only files and directories are allowed'],
    ["a hard link", [{ name: "eks_pod_scan/bin/hard", type: "link", linkname: "eks_pod_scan/default/app.conf" }], 'entry "eks_pod_scan/bin/hard" is a link; only files and directories are allowed'],
    ["another app's folder", [{ name: "search/default/app.conf", content: "x" }], "entry \"search/default/app.conf\" is outside the app folder 'eks_pod_scan/'"],
    ["a duplicate entry", [{ name: "eks_pod_scan/default/app.conf", content: "again" }], 'entry "eks_pod_scan/default/app.conf" appears twice'],
  ];
  for (const [what, extra, why] of hostile) {
    it(`refuses a package with ${what} (exit 1), writing nothing`, async () => {
      const pkg = path.join(work, "bad.tar.gz");
      await writeTarGz(pkg, [...appEntries(), ...extra]);
      const run = await deploy(["--package", pkg, "--splunk-home", home]);
      expect([run.code, run.stdout, run.stderr]).to.deep.equal([1, "", `eks-pod-scan deploy: refusing to unpack ${pkg}: ${why}\n`]);
      expect(readdirSync(apps)).to.deep.equal([]);
      expect(filesUnder(work)).to.deep.equal(["bad.tar.gz"]);
    });
  }

  it("refuses a package without default/app.conf, and one that is not gzip", async () => {
    const pkg = path.join(work, "bad.tar.gz");
    await writeTarGz(pkg, [{ name: "eks_pod_scan/bin/x.js", content: "x" }]);
    let run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect(run.stderr).to.equal(`eks-pod-scan deploy: refusing to unpack ${pkg}: it has no eks_pod_scan/default/app.conf\n`);
    writeFileSync(pkg, "not a tarball");
    run = await deploy(["--package", pkg, "--splunk-home", home]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^eks-pod-scan deploy: refusing to unpack .*: it is not a readable \.tar\.gz \(incorrect header check\)\n$/);
    expect(readdirSync(apps)).to.deep.equal([]);
  });

  it("usage errors exit 2: no etc/apps, missing package, --splunk-home with --url, no --package", async () => {
    const pkg = path.join(work, "app.tar.gz");
    await writeTarGz(pkg, appEntries());
    let run = await deploy(["--package", pkg, "--splunk-home", work]);
    expect([run.code, run.stderr]).to.deep.equal([2, `eks-pod-scan deploy: --splunk-home: ${work} has no etc/apps folder\n`]);
    run = await deploy(["--package", path.join(work, "nope.tar.gz"), "--splunk-home", home]);
    expect([run.code, run.stderr]).to.deep.equal([2, `eks-pod-scan deploy: --package: ${path.join(work, "nope.tar.gz")} does not exist\n`]);
    run = await deploy(["--package", pkg, "--splunk-home", home, "--url", "https://h:8089"]);
    expect(run.code).to.equal(2);
    run = await deploy(["--splunk-home", home]);
    expect([run.code, run.stderr.split("\n")[0]]).to.deep.equal([2, "eks-pod-scan deploy: --package is required"]);
  });
});

describe("splunk deploy over REST (apps/local) against the HTTPS splunkd stand-in", () => {
  const REST_RELOAD = "no (splunkd loads the confs of an app it installs; bin/ takes effect at the next search)";
  let standin: SplunkStandin;
  const SERVER_PATH = "/opt/splunk-packages/eks_pod_scan-1.0.0.tar.gz";
  const packaged = (commands: StandinApp["commands"]): { app: string } & StandinApp => ({
    app: "eks_pod_scan",
    version: "1.0.0",
    commands,
    savedSearches: [],
    macros: {},
  });
  const connect = () => ["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"];
  afterEach(async () => {
    if (standin) await standin.close();
  });

  it("a first install posts the server-side path with filename, update and explicit_appname", async () => {
    standin = await startSplunkStandin((state) => {
      state.serverPackages[SERVER_PATH] = packaged({ ekspodscan: { chunked: "true", filename: "ekspodscan.js" } });
    });
    const run = await deploy([...connect(), "--package", SERVER_PATH], { T: TOKEN });
    expect([run.code, run.stderr, run.stdout]).to.deep.equal([
      0,
      "",
      `installed eks_pod_scan 1.0.0 at ${standin.url}\n` +
        "added commands.conf: takes effect after a restart of splunkd\n" +
        `restart needed: yes (commands.conf changed)\nreload needed: ${REST_RELOAD}\n`,
    ]);
    expect(standin.requests.map((r) => [r.method, r.path, r.form])).to.deep.equal([
      ["GET", "/services/server/info", {}],
      ["GET", "/services/apps/local/eks_pod_scan", {}],
      ["POST", "/services/apps/local/", { name: SERVER_PATH, filename: "true", update: "true", explicit_appname: "eks_pod_scan" }],
      ["GET", "/services/apps/local/eks_pod_scan/", {}],
      ["GET", "/servicesNS/nobody/eks_pod_scan/configs/conf-commands", {}],
      ["GET", "/servicesNS/nobody/eks_pod_scan/configs/conf-macros", {}],
      ["GET", "/servicesNS/nobody/eks_pod_scan/configs/conf-savedsearches", {}],
      ["GET", "/services/messages", {}],
    ]);
    expect(standin.requests[4].query).to.deep.equal({ count: "0", output_mode: "json" });
  });

  it("an update with the same commands.conf needs no restart, unless splunkd asks for one", async () => {
    const commands = { ekspodscan: { chunked: "true", filename: "ekspodscan.js" } };
    standin = await startSplunkStandin((state) => {
      state.apps.eks_pod_scan = { ...packaged(commands), version: "0.9.0" };
      state.serverPackages[SERVER_PATH] = packaged(commands);
    });
    let run = await deploy([...connect(), "--package", SERVER_PATH], { T: TOKEN });
    expect(run.stdout).to.equal(`updated eks_pod_scan 1.0.0 at ${standin.url}\nno file changed\nrestart needed: no\nreload needed: ${REST_RELOAD}\n`);
    standin.state.restartRequired = true;
    run = await deploy([...connect(), "--package", SERVER_PATH], { T: TOKEN });
    expect(run.stdout.split("\n")[2]).to.equal("restart needed: yes (splunkd reports restart_required)");
  });

  it("says what took effect for each conf splunkd reports: macros and saved searches at once, commands.conf at a restart", async () => {
    const commands = { ekspodscan: { chunked: "true", filename: "ekspodscan.js" } };
    standin = await startSplunkStandin((state) => {
      state.apps.eks_pod_scan = { ...packaged(commands), version: "0.9.0", macros: { m: "search *" } };
      state.serverPackages[SERVER_PATH] = { ...packaged(commands), macros: { m: "where count > 1" }, savedSearches: ["EKS Pod Scan - Rule"] };
    });
    let run = await deploy([...connect(), "--package", SERVER_PATH], { T: TOKEN });
    expect([run.code, run.stderr, run.stdout]).to.deep.equal([
      0,
      "",
      `updated eks_pod_scan 1.0.0 at ${standin.url}\n` +
        "changed macros.conf: in effect (splunkd reports the new stanzas)\n" +
        "added savedsearches.conf: in effect (splunkd reports the new stanzas)\n" +
        `restart needed: no\nreload needed: ${REST_RELOAD}\n`,
    ]);
    standin.state.serverPackages[SERVER_PATH] = { ...packaged({ ekspodscan: { ...commands.ekspodscan, maxwait: "0" } }), macros: {} };
    run = await deploy([...connect(), "--package", SERVER_PATH], { T: TOKEN });
    expect(run.stdout.split("\n").slice(1)).to.deep.equal([
      "changed commands.conf: takes effect after a restart of splunkd",
      "removed macros.conf: in effect (splunkd reports the new stanzas)",
      "removed savedsearches.conf: in effect (splunkd reports the new stanzas)",
      "restart needed: yes (commands.conf changed)",
      `reload needed: ${REST_RELOAD}`,
      "",
    ]);
  });

  it("a path splunkd cannot read is reported with splunkd's message (exit 1)", async () => {
    standin = await startSplunkStandin();
    const run = await deploy([...connect(), "--package", "/tmp/missing.tar.gz"], { T: TOKEN });
    expect([run.code, run.stderr]).to.deep.equal([
      1,
      "eks-pod-scan deploy: splunkd answered 400 while installing /tmp/missing.tar.gz as app 'eks_pod_scan': splunkd says " +
        '"Error during app install: failed to extract app from /tmp/missing.tar.gz: No such file or directory"\n',
    ]);
  });

  it("a relative or non-package path is a usage error (exit 2) before any request", async () => {
    standin = await startSplunkStandin();
    let run = await deploy([...connect(), "--package", "dist/eks_pod_scan-1.0.0.tar.gz"], { T: TOKEN });
    expect([run.code, run.stderr.split("\n")[0]]).to.deep.equal([
      2,
      'eks-pod-scan deploy: --package: "dist/eks_pod_scan-1.0.0.tar.gz" must be an absolute path on the Splunk server',
    ]);
    run = await deploy([...connect(), "--package", "/opt/app.zip"], { T: TOKEN });
    expect(run.code).to.equal(2);
    expect(standin.requests).to.deep.equal([]);
  });
});
