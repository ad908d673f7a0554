import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runWith as deployWith } from "../src/cli/deploy";
import { joinDashValues, parseSplunkUrl } from "../src/cli/connection";
import { runWith as searchWith } from "../src/cli/search";
import { runWith as tuneWith } from "../src/cli/tune";
import { selfSignedCertificate } from "./support/splunk-cert";
import { runCli, type CliRun } from "./support/splunk-cli";
import { startSplunkStandin, type SplunkStandin, type StandinState } from "./support/splunk-standin";

const TOKEN = "standin-bearer-token-value";
const PASSWORD = "changeme-standin-password";
const search = (argv: string[], env: { [name: string]: string } = {}) =>
  runCli((args, io) => searchWith(args, io, { pollIntervalMs: 1 }), argv, env);

const withApp = (state: StandinState) => {
  state.apps.eks_pod_scan = { version: "1.0.0", commands: {}, savedSearches: ["EKS Pod Scan - Amazon EKS Kubernetes Pod scan detection - Rule"], macros: {} };
  state.results = { fields: ["src_ip"], rows: [["203.0.113.7"]] };
};

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("splunk connection: TLS against the HTTPS splunkd stand-in (self-signed certificate)", () => {
  let standin: SplunkStandin;
  beforeEach(async () => {
    standin = await startSplunkStandin(withApp);
  });
  afterEach(() => standin.close());

  it("rejects the self-signed certificate without --ca or --insecure, before sending anything (exit 1)", async () => {
    const run = await search(["--url", standin.url, "--user", "admin", "--password-env", "PW"], { PW: PASSWORD });
    expect([run.code, run.stdout, run.stderr]).to.deep.equal([
      1,
      "",
      `eks-pod-scan search: TLS verification failed for ${standin.url} (DEPTH_ZERO_SELF_SIGNED_CERT). Pass --ca FILE with the ` +
        "certificate (or its CA) that splunkd presents, or --insecure to skip verification (not recommended).\n",
    ]);
    // The handshake failed, so the password never left this process.
    expect(standin.requests).to.deep.equal([]);
  });

  it("rejects it when --ca names another certificate", async () => {
    const run = await search(["--url", standin.url, "--ca", selfSignedCertificate("other").certFile, "--token-env", "T"], { T: TOKEN });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^eks-pod-scan search: TLS verification failed for https:\/\/127\.0\.0\.1:\d+ \([A-Z_]+\)\./);
    expect(standin.requests).to.deep.equal([]);
  });

  it("accepts it with --ca", async () => {
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T", "--format", "csv"], { T: TOKEN });
    expect([run.code, run.stdout]).to.deep.equal([0, "src_ip\r\n203.0.113.7\r\n"]);
  });

  it("accepts it with --insecure, which warns on stderr", async () => {
    const run = await search(["--url", standin.url, "--insecure", "--token-env", "T", "--format", "csv"], { T: TOKEN });
    expect(run.code).to.equal(0);
    expect(run.stderr.split("\n")[0]).to.equal(
      `eks-pod-scan search: warning: --insecure: splunkd's TLS certificate is NOT verified; anyone on the path to 127.0.0.1:${standin.port} can read the credentials`,
    );
  });

  it("a wrong password is a 401 (exit 1)", async () => {
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--user", "admin", "--password-env", "PW"], { PW: "wrong" });
    expect([run.code, run.stderr]).to.deep.equal([
      1,
      'eks-pod-scan search: authentication failed (401) while logging in: check --user and --password-env, or --token-env: splunkd says "Login failed"\n',
    ]);
  });

  it("a wrong token is a 401 (exit 1)", async () => {
    const run = await search(["--url", standin.url, "--ca", standin.caFile, "--token-env", "T"], { T: "not-a-token" });
    expect([run.code, run.stderr]).to.deep.equal([
      1,
      "eks-pod-scan search: authentication failed (401) while reading server/info with the token: check --user and --password-env, " +
        'or --token-env: splunkd says "call not properly authenticated"\n',
    ]);
  });
});

describe("splunk connection: unreachable host and usage errors", () => {
  it("nothing listening is 'cannot reach' (exit 1)", async () => {
    const port = await closedPort();
    const run = await search(["--url", `https://127.0.0.1:${port}`, "--token-env", "T"], { T: TOKEN });
    expect([run.code, run.stderr]).to.deep.equal([
      1,
      `eks-pod-scan search: cannot reach Splunk at https://127.0.0.1:${port} (ECONNREFUSED) while reading server/info with the token\n`,
    ]);
  });

  const usage: Array<[string[], { [name: string]: string }, string]> = [
    [["--token-env", "T"], { T: TOKEN }, "--url is required (e.g. --url https://splunk.example.com:8089)"],
    [["--url", "http://127.0.0.1:8089", "--token-env", "T"], { T: TOKEN }, "--url: http: is not supported; splunkd's REST API is https://HOST:8089"],
    [["--url", "https://h:8089/services", "--token-env", "T"], { T: TOKEN }, "--url: give only https://HOST:PORT, without a path, query or fragment"],
    [["--url", "https://admin:hunter2@h:8089", "--token-env", "T"], { T: TOKEN }, "--url must not contain credentials; use --user/--password-env or --token-env"],
    [["--url", "https://h:8089"], {}, "credentials are required: --token-env VAR, or --user NAME with --password-env VAR"],
    [["--url", "https://h:8089", "--user", "admin"], {}, "credentials are required: --token-env VAR, or --user NAME with --password-env VAR"],
    [["--url", "https://h:8089", "--token-env", "T"], {}, "--token-env: environment variable T is not set or empty"],
    [["--url", "https://h:8089", "--token-env", "A-B"], {}, '--token-env: "A-B" is not an environment variable name'],
    [["--url", "https://h:8089", "--token-env", "T", "--user", "u", "--password-env", "P"], { T: TOKEN, P: PASSWORD }, "pass either --token-env or --user with --password-env, not both"],
    [["--url", "https://h:8089", "--token-env", "T", "--ca", "/nonexistent.pem"], { T: TOKEN }, "--ca: cannot read /nonexistent.pem (ENOENT)"],
    [["--url", "https://h:8089", "--token-env", "T", "--ca", __filename], { T: TOKEN }, `--ca: ${__filename} holds no PEM certificate`],
    [["--url", "https://h:8089", "--token-env", "T", "--ca", __filename, "--insecure"], { T: TOKEN }, "--ca and --insecure contradict each other; pass one"],
    [["--url", "https://h:8089", "--token-env", "T", "--app", "../etc"], { T: TOKEN }, '--app: "../etc" is not a valid app id (letters, digits, \'_\', \'.\', \'-\')'],
  ];
  for (const [argv, env, message] of usage) {
    it(`${argv.join(" ")} -> exit 2: ${message}`, async () => {
      const run = await search(argv, env);
      expect(run.code).to.equal(2);
      expect(run.stderr.split("\n")[0]).to.equal(`eks-pod-scan search: ${message}`);
      expect(run.stderr).to.not.contain("hunter2");
    });
  }

  it("the port defaults to 8089, an explicit :443 stays 443", () => {
    expect(parseSplunkUrl("https://splunk.example.com").host).to.equal("splunk.example.com:8089");
    expect(parseSplunkUrl("https://[::1]").host).to.equal("[::1]:8089");
    expect(parseSplunkUrl("https://splunk.example.com:443").port).to.equal("");
    expect(parseSplunkUrl("https://splunk.example.com:18089/").host).to.equal("splunk.example.com:18089");
  });

  it("a string option followed by a value starting with one dash takes it (--earliest -24h)", () => {
    const options = { earliest: { type: "string" }, insecure: { type: "boolean" } } as const;
    expect(joinDashValues(["--earliest", "-24h", "--insecure"], options)).to.deep.equal(["--earliest=-24h", "--insecure"]);
    expect(joinDashValues(["--earliest", "--insecure"], options)).to.deep.equal(["--earliest", "--insecure"]);
    expect(joinDashValues(["--insecure", "-x"], options)).to.deep.equal(["--insecure", "-x"]);
  });
});

describe("splunk secrets never reach output or logs (HTTPS splunkd stand-in that echoes credentials)", () => {
  let standin: SplunkStandin;
  afterEach(() => standin.close());

  it("password, token and session key are masked in every stdout/stderr line, and the SDK logs nothing", async () => {
    standin = await startSplunkStandin((state) => {
      withApp(state);
      state.leakyErrors = true;
    });
    const sessionKey = standin.state.sessionKey;
    const secrets = [PASSWORD, TOKEN, sessionKey];
    const env = { PW: PASSWORD, T: TOKEN };
    const base = ["--url", standin.url, "--ca", standin.caFile];
    const logged: string[] = [];
    const originals = { log: console.log, error: console.error, warn: console.warn, info: console.info };
    for (const level of ["log", "error", "warn", "info"] as const) console[level] = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
    const runs: CliRun[] = [];
    try {
      runs.push(await search([...base, "--user", "admin", "--password-env", "PW"], env)); // ok, via login
      runs.push(await search([...base, "--token-env", "T", "--name", "missing"], env)); // 404 echoing the token
      runs.push(await search([...base, "--token-env", "T", "--app", "other"], env)); // missing app
      runs.push(await runCli(tuneWith, [...base, "--token-env", "T", "--show"], env)); // macro 404
      runs.push(await runCli(deployWith, [...base, "--token-env", "T", "--package", "/x/app.tgz"], env)); // 400
      runs.push(await search(["--url", standin.url, "--user", "admin", "--password-env", "PW"], env)); // TLS failure
      standin.state.users.admin = "rotated";
      runs.push(await search([...base, "--user", "admin", "--password-env", "PW"], env)); // 401 echoing the password
      runs.push(await search([...base, "--token-env", "T", "--insecure"], env)); // usage error
    } finally {
      Object.assign(console, originals);
    }
    expect(runs.map((r) => r.code)).to.deep.equal([0, 1, 1, 1, 1, 1, 1, 2]);
    const everything = runs.map((r) => r.stdout + r.stderr).join("\n") + logged.join("\n");
    for (const secret of secrets) expect(everything).to.not.contain(secret);
    // The stand-in did echo them: the masking is what kept them out.
    expect(everything).to.contain("denied authorization=Bearer ***");
    expect(everything).to.contain("password=***");
    expect(logged).to.deep.equal([]);
  });
});

describe("splunk-sdk import does not load a .env from the working directory", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "splunk-dotenv-"));
    writeFileSync(path.join(dir, ".env"), "EKS_POD_SCAN_DOTENV_PROBE=loaded\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function probe(mode: "guarded" | "plain"): Promise<{ probe: string | null; service: string }> {
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    const script = path.join(__dirname, "support", "splunk-dotenv-probe.ts");
    const env = { ...process.env };
    delete env.EKS_POD_SCAN_DOTENV_PROBE;
    return new Promise((resolve, reject) => {
      execFile(process.execPath, ["--import", tsx, script, mode], { cwd: dir, env }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      });
    });
  }

  it("through our loader the SDK loads and the .env does not", async () => {
    expect(await probe("guarded")).to.deep.equal({ probe: null, service: "function" });
  });

  it("(control) a plain require of splunk-sdk would have loaded it", async () => {
    expect(await probe("plain")).to.deep.equal({ probe: "loaded", service: "function" });
  });
});

describe("splunk connection: a --url that is not splunkd's REST API", () => {
  /** An HTTPS server that answers every request with the same response, as Splunk Web's port would. */
  async function webServer(status: number, headers: { [name: string]: string }, body: string) {
    const certificate = selfSignedCertificate();
    const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(status, headers);
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
    return { url, caFile: certificate.certFile, close };
  }

  const MANAGEMENT = "is --url splunkd's management port (8089 by default)? Splunk Web's port does not serve the REST API";

  it("a 302 says where it redirects and asks about the management port (exit 1)", async () => {
    const web = await webServer(302, { Location: "/en-US/account/login?return_to=%2Fservices%2Fserver%2Finfo" }, "");
    try {
      for (const [auth, env, doing] of [
        [["--token-env", "T"], { T: TOKEN }, "reading server/info with the token"],
        [["--user", "admin", "--password-env", "PW"], { PW: PASSWORD }, "logging in"],
      ] as const) {
        const run = await search(["--url", web.url, "--ca", web.caFile, ...auth], env);
        expect([run.code, run.stdout, run.stderr], doing).to.deep.equal([
          1,
          "",
          `eks-pod-scan search: ${web.url} answered 302, a redirect to ${web.url}/en-US/account/login?return_to=%2Fservices%2Fserver%2Finfo, ` +
            `while ${doing}; redirects are not followed: ${MANAGEMENT}\n`,
        ]);
      }
    } finally {
      await web.close();
    }
  });

  it("a 200 without a version (an empty body, or JSON of something else) is not a splunkd REST response (exit 1)", async () => {
    for (const [type, body] of [["text/html", ""], ["application/json", '{"status":"ok"}']]) {
      const web = await webServer(200, { "Content-Type": type }, body);
      try {
        for (const [auth, env, doing, lacking] of [
          [["--token-env", "T"], { T: TOKEN }, "reading server/info with the token", "server/info without a version"],
          [["--user", "admin", "--password-env", "PW"], { PW: PASSWORD }, "logging in", "auth/login without a session key"],
        ] as const) {
          const run = await search(["--url", web.url, "--ca", web.caFile, ...auth], env);
          expect([run.code, run.stdout, run.stderr], `${JSON.stringify(body)} ${doing}`).to.deep.equal([
            1,
            "",
            `eks-pod-scan search: ${web.url} answered ${lacking}, while ${doing}: not a splunkd REST response: ${MANAGEMENT}\n`,
          ]);
        }
      } finally {
        await web.close();
      }
    }
  });

  it("a 200 that is not JSON is not a splunkd REST response (exit 1)", async () => {
    for (const [type, body] of [["text/html; charset=UTF-8", "<!doctype html><title>Splunk</title>"], ["application/json", "{not json"]]) {
      const web = await webServer(200, { "Content-Type": type }, body);
      try {
        for (const [auth, env, doing] of [
          [["--token-env", "T"], { T: TOKEN }, "reading server/info with the token"],
          [["--user", "admin", "--password-env", "PW"], { PW: PASSWORD }, "logging in"],
        ] as const) {
          const run = await search(["--url", web.url, "--ca", web.caFile, ...auth], env);
          expect([run.code, run.stdout, run.stderr], `${type} ${doing}`).to.deep.equal([
            1,
            "",
            `eks-pod-scan search: ${web.url} answered 200 with ${type.split(";")[0]} that is not JSON, while ${doing}: ` +
              `not a splunkd REST response: ${MANAGEMENT}\n`,
          ]);
        }
      } finally {
        await web.close();
      }
    }
  });
});
