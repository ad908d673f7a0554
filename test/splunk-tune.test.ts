import { expect } from "chai";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runWith } from "../src/cli/tune";
import { FILTER_MACRO } from "../src/splunk/filter";
import { runCli } from "./support/splunk-cli";
import { startSplunkStandin, type SplunkStandin, type StandinState } from "./support/splunk-standin";

const ROOT = path.resolve(__dirname, "..");
const BUILT_APP = path.join(ROOT, "dist", "eks_pod_scan");
const TOKEN = "standin-bearer-token-value";
const tune = (argv: string[], env: { [name: string]: string } = {}) => runCli(runWith, argv, env);

const SRC_DEFINITION = 'where isnull(src_ip) OR NOT (cidrmatch("10.0.0.0/8", src_ip)) | where count >= 3';

describe("splunk tune offline (--app-dir) on a copy of the built app", () => {
  let work: string;
  let app: string;
  before(function () {
    if (!existsSync(path.join(BUILT_APP, "default", "macros.conf"))) {
      // npm test builds the app first (pretest); a lone mocha run may not have.
      this.skip();
    }
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), "splunk-tune-"));
    app = path.join(work, "eks_pod_scan");
    cpSync(BUILT_APP, app, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it("writes local/macros.conf with only the filter stanza and leaves default/ alone", async () => {
    const defaultBefore = readFileSync(path.join(app, "default", "macros.conf"), "utf8");
    const run = await tune(["--app-dir", app, "--allow-src", "10.0.0.0/8", "--min-count", "3"]);
    expect([run.code, run.stdout, run.stderr]).to.deep.equal([
      0,
      `definition = ${SRC_DEFINITION}\n`,
      `eks-pod-scan tune: updated ${path.join(app, "local", "macros.conf")}\n`,
    ]);
    expect(readFileSync(path.join(app, "local", "macros.conf"), "utf8")).to.equal(`[${FILTER_MACRO}]\ndefinition = ${SRC_DEFINITION}\n`);
    expect(readFileSync(path.join(app, "default", "macros.conf"), "utf8")).to.equal(defaultBefore);
  });

  it("--show reads default/ until local/ overrides it; --reset goes back to search *", async () => {
    let run = await tune(["--app-dir", app, "--show"]);
    expect([run.code, run.stdout, run.stderr]).to.deep.equal([
      0,
      `[${FILTER_MACRO}]\ndefinition = search *\n`,
      `eks-pod-scan tune: from ${path.join(app, "default", "macros.conf")}\n`,
    ]);
    await tune(["--app-dir", app, "--allow-cluster", "prod"]);
    run = await tune(["--app-dir", app, "--show"]);
    expect(run.stdout).to.equal(`[${FILTER_MACRO}]\ndefinition = where isnull(cluster_name) OR NOT (match(cluster_name, "(^|:)/aws/eks/prod/cluster(:|$)"))\n`);
    run = await tune(["--app-dir", app, "--reset"]);
    expect(run.code).to.equal(0);
    expect(readFileSync(path.join(app, "local", "macros.conf"), "utf8")).to.equal(`[${FILTER_MACRO}]\ndefinition = search *\n`);
  });

  it("keeps every other stanza and comment of an existing local/macros.conf, byte for byte", async () => {
    mkdirSync(path.join(app, "local"));
    const local = [
      "# tuned by the SOC, ticket 4711",
      "[aws_cloudwatchlogs_eks]",
      'definition = index=aws sourcetype="aws:cloudwatchlogs:eks"',
      "",
      `[${FILTER_MACRO}]`,
      "# was too noisy",
      "definition = search NOT src_ip=10.* \\",
      "  NOT src_ip=192.168.*",
      "description = local copy",
      "",
      "# trailing comment",
      "",
    ].join("\r\n");
    writeFileSync(path.join(app, "local", "macros.conf"), local);
    const run = await tune(["--app-dir", app, "--allow-src", "10.0.0.0/8", "--min-count", "3"]);
    expect(run.code).to.equal(0);
    expect(readFileSync(path.join(app, "local", "macros.conf"), "utf8")).to.equal(
      local.replace("definition = search NOT src_ip=10.* \\\r\n  NOT src_ip=192.168.*", `definition = ${SRC_DEFINITION}`),
    );
  });

  it("--dry-run prints the definition and a unified diff, and writes nothing", async () => {
    const run = await tune(["--app-dir", app, "--allow-src", "10.0.0.0/8", "--min-count", "3", "--dry-run"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      `definition = ${SRC_DEFINITION}\n` +
        "--- /dev/null\n+++ b/local/macros.conf\n@@ -0,0 +1,2 @@\n" +
        `+[${FILTER_MACRO}]\n+definition = ${SRC_DEFINITION}\n`,
    );
    expect(existsSync(path.join(app, "local"))).to.equal(false);
    await tune(["--app-dir", app, "--min-count", "2"]);
    const again = await tune(["--app-dir", app, "--min-count", "2", "--dry-run"]);
    expect(again.stdout).to.equal("definition = where count >= 2\n(no change)\n");
  });

  it("owns the filter stanza: iseval set to 0 and disabled removed, each said on stderr", async () => {
    mkdirSync(path.join(app, "local"));
    const local = `[other]\ndisabled = 1\n\n[${FILTER_MACRO}]\ndisabled = true\ndefinition = search *\niseval = 1\n\n[${FILTER_MACRO}]\ndisabled = 1\n`;
    writeFileSync(path.join(app, "local", "macros.conf"), local);
    const run = await tune(["--app-dir", app, "--min-count", "3"]);
    const file = path.join(app, "local", "macros.conf");
    expect([run.code, run.stdout, run.stderr]).to.deep.equal([
      0,
      "definition = where count >= 3\n",
      "eks-pod-scan tune: removed disabled = true, disabled = 1 (a disabled filter macro breaks the saved searches)\n" +
        "eks-pod-scan tune: set iseval = 0 (it was 1: the filter would run as an eval expression)\n" +
        `eks-pod-scan tune: updated ${file}\n`,
    ]);
    expect(readFileSync(file, "utf8")).to.equal(
      `[other]\ndisabled = 1\n\n[${FILTER_MACRO}]\ndefinition = search *\n\n[${FILTER_MACRO}]\ndefinition = where count >= 3\niseval = 0\n`,
    );
    const again = await tune(["--app-dir", app, "--min-count", "3"]);
    expect(again.stderr).to.equal(`eks-pod-scan tune: unchanged ${file}\n`);
  });

  it("overrides iseval and disabled that default/ sets, in local/", async () => {
    const defaults = path.join(app, "default", "macros.conf");
    writeFileSync(defaults, readFileSync(defaults, "utf8") + `\n[${FILTER_MACRO}]\niseval = 1\ndisabled = 1\n`);
    const run = await tune(["--app-dir", app, "--min-count", "3", "--dry-run"]);
    expect(run.stdout).to.equal(
      "definition = where count >= 3\n" +
        "--- /dev/null\n+++ b/local/macros.conf\n@@ -0,0 +1,4 @@\n" +
        `+[${FILTER_MACRO}]\n+definition = where count >= 3\n+iseval = 0\n+disabled = 0\n`,
    );
    expect(run.stderr).to.equal(
      "eks-pod-scan tune: set disabled = 0 (default/ disables the macro: a disabled filter macro breaks the saved searches)\n" +
        "eks-pod-scan tune: set iseval = 0 (it was 1: the filter would run as an eval expression)\n",
    );
  });

  it("an allow-list of every address (0.0.0.0/0, ::/0) needs --force, and warns with it", async () => {
    for (const [given, cidr, family] of [["0.0.0.0/0", "0.0.0.0/0", "IPv4"], ["::/0", "::/0", "IPv6"], ["::ffff:0:0/96", "0.0.0.0/0", "IPv4"]]) {
      const muted = `--allow-src ${cidr} allows every ${family} source: the detection would report no scan from any of them`;
      const refused = await tune(["--app-dir", app, "--allow-src", "10.0.0.0/8", "--allow-src", given]);
      expect([refused.code, refused.stdout, refused.stderr], given).to.deep.equal([2, "", `eks-pod-scan tune: ${muted}; pass --force to write it anyway\n`]);
      expect(existsSync(path.join(app, "local")), given).to.equal(false);
      const forced = await tune(["--app-dir", app, "--allow-src", given, "--force"]);
      expect(forced.code, given).to.equal(0);
      expect(forced.stderr, given).to.equal(`eks-pod-scan tune: warning: ${muted}\neks-pod-scan tune: updated ${path.join(app, "local", "macros.conf")}\n`);
      rmSync(path.join(app, "local"), { recursive: true });
    }
  });

  it("a rejected value exits 2 and changes nothing", async () => {
    const run = await tune(["--app-dir", app, "--allow-agent", "curl`x`"]);
    expect([run.code, run.stdout, run.stderr]).to.deep.equal([
      2,
      "",
      'eks-pod-scan tune: --allow-agent: "curl`x`" contains a backtick, which is not allowed\n',
    ]);
    expect(existsSync(path.join(app, "local"))).to.equal(false);
  });
});

describe("splunk tune: usage errors (exit 2)", () => {
  const cases: Array<[string[], string]> = [
    [["--app-dir", "/nonexistent"], "nothing to do: give filter options, --reset or --show"],
    [["--min-count", "3"], "a target is required: --app-dir DIR or --url URL"],
    [["--min-count", "3", "--app-dir", "d", "--url", "https://h:8089"], "pass either --app-dir or --url, not both"],
    [["--show", "--min-count", "3", "--app-dir", "d"], "filter options, --reset and --show cannot be combined"],
    [["--show", "--dry-run", "--app-dir", "d"], "--show changes nothing; --dry-run does not apply"],
    [["--min-count", "0", "--app-dir", "d"], "--min-count: expected a whole number from 1 to 1000000000"],
    [["--min-count", "3", "--min-count", "5", "--app-dir", "d"], "--min-count can be given once (got 3, 5)"],
    [["--reset", "--force", "--app-dir", "d"], "--force applies only to --allow-src"],
    [["--min-count", "3", "--app-dir", "/nonexistent"], "/nonexistent is not a Splunk app directory (no default/ folder)"],
  ];
  for (const [argv, message] of cases) {
    it(`${argv.join(" ")} -> ${message}`, async () => {
      const run = await tune(argv);
      expect(run.code).to.equal(2);
      expect(run.stderr.split("\n")[0]).to.equal(`eks-pod-scan tune: ${message}`);
      expect(run.stdout).to.equal("");
    });
  }
});

describe("splunk tune over REST against the HTTPS splunkd stand-in", () => {
  let standin: SplunkStandin;
  const MACRO_PATH = `/servicesNS/nobody/eks_pod_scan/configs/conf-macros/${FILTER_MACRO}`;
  const withMacro = (state: StandinState) => {
    state.apps.eks_pod_scan = { version: "1.0.0", commands: {}, savedSearches: [], macros: { [FILTER_MACRO]: "search *" } };
  };
  const connect = () => ["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"];
  afterEach(async () => {
    if (standin) await standin.close();
  });

  it("reads the macro in the app's namespace, then posts the new definition to it", async () => {
    standin = await startSplunkStandin(withMacro);
    const run = await tune([...connect(), "--allow-src", "10.0.0.0/8", "--min-count", "3"], { T: TOKEN });
    expect(run.stderr).to.equal(`eks-pod-scan tune: updated ${standin.url} eks_pod_scan macros/${FILTER_MACRO}\n`);
    expect(run.code).to.equal(0);
    expect(standin.requests.map((r) => [r.method, r.path, r.form])).to.deep.equal([
      ["GET", "/services/server/info", {}],
      ["GET", `${MACRO_PATH}/`, {}],
      ["POST", `${MACRO_PATH}/`, { definition: SRC_DEFINITION }],
    ]);
    expect(standin.state.apps.eks_pod_scan.macros[FILTER_MACRO]).to.equal(SRC_DEFINITION);
  });

  it("--dry-run reads only, and diffs the definition", async () => {
    standin = await startSplunkStandin(withMacro);
    const run = await tune([...connect(), "--min-count", "3", "--dry-run"], { T: TOKEN });
    const label = `${standin.url} eks_pod_scan macros/${FILTER_MACRO}`;
    expect(run.stdout).to.equal(
      `definition = where count >= 3\n--- a/${label}\n+++ b/${label}\n@@ -1 +1 @@\n-definition = search *\n+definition = where count >= 3\n`,
    );
    expect(standin.requests.map((r) => r.method)).to.deep.equal(["GET", "GET"]);
  });

  it("--show prints splunkd's definition", async () => {
    standin = await startSplunkStandin(withMacro);
    const run = await tune([...connect(), "--show"], { T: TOKEN });
    expect([run.code, run.stdout]).to.deep.equal([0, `[${FILTER_MACRO}]\ndefinition = search *\n`]);
  });

  it("creates the macro in the app when the app has none", async () => {
    standin = await startSplunkStandin((state) => {
      withMacro(state);
      state.apps.eks_pod_scan.macros = {};
    });
    const run = await tune([...connect(), "--reset"], { T: TOKEN });
    expect(run.code).to.equal(0);
    expect(standin.requests.map((r) => [r.method, r.path, r.form]).slice(2)).to.deep.equal([
      ["GET", "/services/apps/local/eks_pod_scan", {}],
      ["POST", "/servicesNS/nobody/eks_pod_scan/configs/conf-macros", { name: FILTER_MACRO, definition: "search *" }],
    ]);
  });

  it("owns the macro over REST too: iseval set to 0 with the definition, a disabled macro enabled", async () => {
    standin = await startSplunkStandin((state) => {
      withMacro(state);
      state.apps.eks_pod_scan.macroSettings = { [FILTER_MACRO]: { iseval: "1", disabled: "1" } };
    });
    const run = await tune([...connect(), "--min-count", "3"], { T: TOKEN });
    expect([run.code, run.stdout, run.stderr]).to.deep.equal([
      0,
      "definition = where count >= 3\n",
      "eks-pod-scan tune: enabled the macro (it was disabled: a disabled filter macro breaks the saved searches)\n" +
        "eks-pod-scan tune: set iseval = 0 (it was 1: the filter would run as an eval expression)\n" +
        `eks-pod-scan tune: updated ${standin.url} eks_pod_scan macros/${FILTER_MACRO}\n`,
    ]);
    expect(standin.requests.map((r) => [r.method, r.path, r.form]).slice(1)).to.deep.equal([
      ["GET", `${MACRO_PATH}/`, {}],
      ["POST", `${MACRO_PATH}/`, { definition: "where count >= 3", iseval: "0" }],
      ["POST", `${MACRO_PATH}/enable`, {}],
    ]);
    expect(standin.state.apps.eks_pod_scan.macroSettings).to.deep.equal({ [FILTER_MACRO]: { iseval: "0", disabled: "0" } });
    const again = await tune([...connect(), "--min-count", "3"], { T: TOKEN });
    expect(again.stderr).to.equal(`eks-pod-scan tune: unchanged ${standin.url} eks_pod_scan macros/${FILTER_MACRO}\n`);
  });

  it("a missing app is a clear 404 (exit 1) and nothing is written", async () => {
    standin = await startSplunkStandin();
    const run = await tune([...connect(), "--reset"], { T: TOKEN });
    expect([run.code, run.stderr]).to.deep.equal([
      1,
      `eks-pod-scan tune: app 'eks_pod_scan' is not installed on ${standin.url} (404); deploy it first or pass --app\n`,
    ]);
    expect(standin.requests.filter((r) => r.method === "POST")).to.deep.equal([]);
  });
});
