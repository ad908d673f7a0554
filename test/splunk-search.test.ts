import { expect } from "chai";
import { runWith } from "../src/cli/search";
import { DEFAULT_SAVED_SEARCH, parseJsonRows } from "../src/splunk/search";
import { runCli } from "./support/splunk-cli";
import { STANDIN_SID, startSplunkStandin, type SplunkStandin, type StandinState } from "./support/splunk-standin";

const TOKEN = "standin-bearer-token-value";
const PASSWORD = "changeme-standin-password";
const NS = "/servicesNS/nobody/eks_pod_scan";

function withApp(state: StandinState): void {
  state.apps.eks_pod_scan = { version: "1.0.0", commands: {}, savedSearches: [DEFAULT_SAVED_SEARCH, "Other"], macros: {} };
  state.results = {
    fields: ["src_ip", "cluster_name", "count", "values(userAgent)"],
    rows: [
      ["203.0.113.7", "prod", "12", ["curl/8.4.0", "kube-hunter"]],
      ["198.51.100.2", "dev", "1", null],
    ],
  };
}

const search = (argv: string[], env: { [name: string]: string }) =>
  runCli((args, io) => runWith(args, io, { pollIntervalMs: 1 }), argv, env);

describe("splunk search against the HTTPS splunkd stand-in", () => {
  let standin: SplunkStandin;
  afterEach(async () => {
    if (standin) await standin.close();
  });

  it("with a bearer token: server/info, dispatch, v2 job status until DONE, v2 results; every request carries Bearer", async () => {
    standin = await startSplunkStandin(withApp);
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "SPLUNK_TOKEN", "--format", "json"], {
      SPLUNK_TOKEN: TOKEN,
    });
    expect(run.stderr).to.equal(
      `search ${STANDIN_SID}: RUNNING 50% (10 events scanned, 0 results)\n` +
        `search ${STANDIN_SID}: DONE 100% (20 events scanned, 1 result)\n`,
    );
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal([
      { src_ip: "203.0.113.7", cluster_name: "prod", count: 12, "values(userAgent)": ["curl/8.4.0", "kube-hunter"] },
      { src_ip: "198.51.100.2", cluster_name: "dev", count: 1, "values(userAgent)": "" },
    ]);
    expect(standin.requests.map((r) => [r.method, r.path, r.query, r.form])).to.deep.equal([
      ["GET", "/services/server/info", { output_mode: "json" }, {}],
      [
        "POST",
        `${NS}/saved/searches/${DEFAULT_SAVED_SEARCH}/dispatch`,
        { output_mode: "json" },
        { "dispatch.earliest_time": "-24h", "dispatch.latest_time": "now", trigger_actions: "0" },
      ],
      ["GET", `${NS}/search/v2/jobs/${STANDIN_SID}/`, { output_mode: "json" }, {}],
      ["GET", `${NS}/search/v2/jobs/${STANDIN_SID}/`, { output_mode: "json" }, {}],
      ["POST", `${NS}/search/v2/jobs/${STANDIN_SID}/results`, { output_mode: "json_rows" }, { count: "0", output_mode: "json_rows" }],
    ]);
    // The SDK's specialize() would downgrade this to "Splunk <token>"; we never specialize.
    expect(standin.requests.map((r) => r.authorization)).to.deep.equal(Array(5).fill(`Bearer ${TOKEN}`));
  });

  it("with user and password: auth/login first, then the session key; --name, --earliest, --latest reach dispatch", async () => {
    standin = await startSplunkStandin(withApp);
    const run = await search(
      ["--url", standin.url, "--ca", standin.caFile, "--user", "admin", "--password-env", "PW", "--name", "Other", "--earliest", "-7d@d", "--latest", "-1h", "--format", "csv"],
      { PW: PASSWORD },
    );
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      "src_ip,cluster_name,count,values(userAgent)\r\n" + '203.0.113.7,prod,12,"curl/8.4.0\nkube-hunter"\r\n' + "198.51.100.2,dev,1,\r\n",
    );
    const [login, info, dispatch] = standin.requests;
    expect([login.method, login.path, login.form]).to.deep.equal(["POST", "/services/auth/login", { username: "admin", password: PASSWORD, cookie: "1" }]);
    expect(login.authorization).to.equal(undefined);
    expect([info.path, info.authorization]).to.deep.equal(["/services/server/info", `Splunk ${standin.state.sessionKey}`]);
    expect([dispatch.path, dispatch.form]).to.deep.equal([
      `${NS}/saved/searches/Other/dispatch`,
      { "dispatch.earliest_time": "-7d@d", "dispatch.latest_time": "-1h", trigger_actions: "0" },
    ]);
  });

  it("uses the v1 job endpoints for a splunkd older than 9.0.2, as server/info reports", async () => {
    standin = await startSplunkStandin((state) => {
      withApp(state);
      state.version = "8.2.12";
    });
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"], { T: TOKEN });
    // The stand-in serves only v2 job endpoints, so the v1 status read is a 404: proof of the switch.
    expect(run.code).to.equal(1);
    expect(standin.requests[2].path).to.equal(`${NS}/search/jobs/${STANDIN_SID}/`);
  });

  it("prints a table by default", async () => {
    standin = await startSplunkStandin(withApp);
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"], { T: TOKEN });
    expect(run.code).to.equal(0);
    expect(run.stdout.split("\n")[0]).to.equal("src_ip        cluster_name  count  values(userAgent)");
  });

  it("a missing saved search is a 404 that names the search (exit 1)", async () => {
    standin = await startSplunkStandin(withApp);
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T", "--name", "Nope"], { T: TOKEN });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal("eks-pod-scan search: saved search 'Nope' was not found in app 'eks_pod_scan' (404)\n");
  });

  it("a missing app is told apart from a missing search (exit 1)", async () => {
    standin = await startSplunkStandin();
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"], { T: TOKEN });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      `eks-pod-scan search: app 'eks_pod_scan' is not installed on ${standin.url} (404); deploy it first or pass --app\n`,
    );
    expect(standin.requests.map((r) => `${r.method} ${r.path}`).slice(-1)).to.deep.equal(["GET /services/apps/local/eks_pod_scan"]);
  });

  it("a failed job reports splunkd's messages (exit 1)", async () => {
    standin = await startSplunkStandin((state) => {
      withApp(state);
      state.jobStatuses = [
        {
          dispatchState: "FAILED", doneProgress: 1, isDone: true, isFailed: true, scanCount: 0, resultCount: 0,
          messages: [{ type: "FATAL", text: "Unknown search command 'ekspodscan'." }],
        },
      ];
    });
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"], { T: TOKEN });
    expect(run.code).to.equal(1);
    expect(run.stderr.split("\n").slice(-2)[0]).to.equal(
      `eks-pod-scan search: search job ${STANDIN_SID} failed: Unknown search command 'ekspodscan'.`,
    );
  });

  it("usage errors exit 2: unknown format, unknown option", async () => {
    const badFormat = await search(["--url", "https://127.0.0.1:1", "--token-env", "T", "--format", "xml"], { T: TOKEN });
    expect([badFormat.code, badFormat.stderr.split("\n")[0]]).to.deep.equal([2, "eks-pod-scan search: --format: expected one of table, json, csv"]);
    const unknown = await search(["--bogus"], {});
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("Unknown option '--bogus'");
  });

  it("--help prints the options and the default saved search name", async () => {
    const run = await search(["--help"], {});
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain(`--name NAME        saved search to run (default "${DEFAULT_SAVED_SEARCH}")`);
  });
});

describe("json_rows parsing", () => {
  it("accepts fields as names or {name} objects, keeps multivalues, turns null into an empty cell", () => {
    expect(parseJsonRows({ fields: ["a", { name: "b" }], rows: [["1", ["x", "y"]], [null, "2"]] }, "sid")).to.deep.equal({
      columns: ["a", "b"],
      rows: [["1", ["x", "y"]], ["", "2"]],
    });
  });
  it("an empty result set may have neither fields nor rows", () => {
    expect(parseJsonRows({ preview: false }, "sid")).to.deep.equal({ columns: [], rows: [] });
  });
  it("rejects a body that is not json_rows", () => {
    expect(() => parseJsonRows({ fields: "x" }, "sid1")).to.throw("the results of job sid1 are not in json_rows form");
  });
});
