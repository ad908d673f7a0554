/**
 * A stand-in for splunkd's REST API on 127.0.0.1 over HTTPS (self-signed), for tests only.
 *
 * It serves the JSON shapes splunkd returns (output_mode=json / json_rows) for the endpoints the
 * CLI uses: auth/login, server/info, apps/local, messages, saved search dispatch, v2 job status and
 * results, conf-macros, conf-savedsearches and conf-commands, and records every request (method, path, query, form,
 * Authorization). It is not splunkd: it knows only the state a test gives it.
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import { selfSignedCertificate } from "./splunk-cert";

export type Form = { [key: string]: string | string[] };

export interface RecordedRequest {
  method: string;
  /** Decoded path, e.g. /servicesNS/nobody/eks_pod_scan/saved/searches/My Search/dispatch */
  path: string;
  query: Form;
  form: Form;
  authorization?: string;
}

export interface JobStatus {
  dispatchState: string;
  doneProgress: number;
  isDone: boolean;
  isFailed: boolean;
  scanCount: number;
  resultCount: number;
  messages?: Array<{ type: string; text: string }>;
}

export interface StandinApp {
  version: string;
  /** commands.conf stanzas: name -> settings */
  commands: { [name: string]: { [key: string]: string } };
  savedSearches: string[];
  /** conf-macros stanzas: name -> definition */
  macros: { [name: string]: string };
  /** Other settings of conf-macros stanzas (iseval, disabled), name -> key -> value. */
  macroSettings?: { [name: string]: { [key: string]: string } };
}

export interface StandinState {
  version: string;
  users: { [user: string]: string };
  tokens: string[];
  sessionKey: string;
  apps: { [app: string]: StandinApp };
  /** Packages on "the server's filesystem" that apps/local can install, by path. */
  serverPackages: { [path: string]: { app: string } & StandinApp };
  restartRequired: boolean;
  /** Successive job status reads walk this list and then stay on its last element. */
  jobStatuses: JobStatus[];
  results: { fields: unknown[]; rows: unknown[][] };
  /** Like a badly behaved proxy: every error message echoes the request's credentials. */
  leakyErrors: boolean;
}

export interface SplunkStandin {
  url: string;
  port: number;
  caFile: string;
  state: StandinState;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const STANDIN_SID = "admin__nobody__eks_pod_scan__RMD5f00dcafe_at_1700000000_42";

export function defaultState(): StandinState {
  return {
    version: "9.2.1",
    users: { admin: "changeme-standin-password" },
    tokens: ["standin-bearer-token-value"],
    sessionKey: "standin-session-key-0123456789abcdef",
    apps: {},
    serverPackages: {},
    restartRequired: false,
    jobStatuses: [
      { dispatchState: "RUNNING", doneProgress: 0.5, isDone: false, isFailed: false, scanCount: 10, resultCount: 0 },
      { dispatchState: "DONE", doneProgress: 1, isDone: true, isFailed: false, scanCount: 20, resultCount: 1 },
    ],
    results: { fields: [], rows: [] },
    leakyErrors: false,
  };
}

function formOf(params: URLSearchParams): Form {
  const form: Form = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    form[key] = all.length === 1 ? all[0] : all;
  }
  return form;
}

type Reply = { status: number; body: unknown; headers?: { [name: string]: string } };

const json = (status: number, body: unknown, headers?: { [name: string]: string }): Reply => ({ status, body, headers });
const messages = (status: number, type: string, text: string): Reply => json(status, { messages: [{ type, text }] });

function feed(origin: string, version: string, entries: unknown[]): unknown {
  return {
    links: {},
    origin,
    updated: "2024-05-01T12:00:00+00:00",
    generator: { build: "78803f08aabb", version },
    entry: entries,
    paging: { total: entries.length, perPage: 30, offset: 0 },
    messages: [],
  };
}

function entry(base: string, name: string, app: string, content: object): unknown {
  const path = `${base}/${encodeURIComponent(name)}`;
  return {
    name,
    id: `https://127.0.0.1:8089${path}`,
    updated: "2024-05-01T12:00:00+00:00",
    links: { alternate: path, list: path, edit: path },
    author: "nobody",
    acl: { app, owner: "nobody", sharing: "app", modifiable: true, can_write: true, perms: { read: ["*"], write: ["admin"] } },
    content: { ...content, "eai:acl": null, "eai:appName": app, "eai:userName": "nobody" },
  };
}

export async function startSplunkStandin(configure?: (state: StandinState) => void): Promise<SplunkStandin> {
  const certificate = selfSignedCertificate();
  const state = defaultState();
  if (configure) configure(state);
  const requests: RecordedRequest[] = [];
  let statusReads = 0;

  function authorized(authorization: string | undefined): boolean {
    return authorization === `Splunk ${state.sessionKey}` || state.tokens.some((t) => authorization === `Bearer ${t}`);
  }

  function route(method: string, path: string, form: Form, authorization: string | undefined, origin: string): Reply {
    if (method === "POST" && path === "/services/auth/login") {
      const user = String(form.username);
      if (state.users[user] !== undefined && state.users[user] === form.password) {
        return json(200, { sessionKey: state.sessionKey, message: "", code: "" }, { "Set-Cookie": `splunkd_8089=${state.sessionKey}; Path=/; Secure; HttpOnly` });
      }
      return json(401, { messages: [{ type: "WARN", code: "incorrect_username_or_password", text: "Login failed" }] });
    }
    if (!authorized(authorization)) return messages(401, "WARN", "call not properly authenticated");
    const info = () => json(200, feed(origin, state.version, [entry("/services/server", "server-info", "system", { version: state.version, serverName: "splunk-standin", build: "78803f08aabb" })]));
    if (method === "GET" && path === "/services/server/info") return info();
    if (method === "GET" && path === "/services/messages") {
      const entries = state.restartRequired ? [entry("/services/messages", "restart_required", "search", { restart_required: "Splunk must be restarted for changes to take effect." })] : [];
      return json(200, feed(origin, state.version, entries));
    }
    const appsLocal = /^\/services\/apps\/local(?:\/([^/]+))?$/.exec(path);
    if (appsLocal) return appsRoute(method, appsLocal[1], form, origin);
    const namespaced = /^\/servicesNS\/nobody\/([^/]+)\/(.*)$/.exec(path);
    if (namespaced) return namespacedRoute(method, namespaced[1], namespaced[2], form, origin);
    return messages(404, "ERROR", `Not Found: the stand-in does not serve ${method} ${path}`);
  }

  function appEntry(name: string, app: StandinApp): unknown {
    return entry("/services/apps/local", name, name, { version: app.version, label: name, visible: true, disabled: false });
  }

  function appsRoute(method: string, name: string | undefined, form: Form, origin: string): Reply {
    if (method === "GET" && name !== undefined) {
      const app = state.apps[name];
      return app ? json(200, feed(origin, state.version, [appEntry(name, app)])) : messages(404, "ERROR", `Could not find object id=${name}`);
    }
    if (method === "POST" && name === undefined) {
      const pkg = state.serverPackages[String(form.name)];
      if (form.filename !== "true" || !pkg) {
        return messages(400, "ERROR", `Error during app install: failed to extract app from ${String(form.name)}: No such file or directory`);
      }
      if (form.explicit_appname !== pkg.app) return messages(400, "ERROR", "explicit_appname does not match the package's app");
      if (state.apps[pkg.app] && form.update !== "true") return messages(409, "ERROR", `App "${pkg.app}" already exists; use update=true`);
      const { app, ...installed } = pkg;
      state.apps[app] = JSON.parse(JSON.stringify(installed)) as StandinApp;
      return json(201, feed(origin, state.version, [appEntry(app, state.apps[app])]));
    }
    return messages(405, "ERROR", "Method not allowed");
  }

  function namespacedRoute(method: string, appName: string, rest: string, form: Form, origin: string): Reply {
    const app = state.apps[appName];
    if (!app) return messages(404, "ERROR", `Application does not exist: ${appName}`);
    const base = `/servicesNS/nobody/${appName}`;
    const dispatch = /^saved\/searches\/([^/]+)\/dispatch$/.exec(rest);
    if (dispatch && method === "POST") {
      return app.savedSearches.includes(dispatch[1]) ? json(201, { sid: STANDIN_SID }) : messages(404, "ERROR", `Could not find object id=${dispatch[1]}`);
    }
    if (method === "GET" && rest === `search/v2/jobs/${STANDIN_SID}`) {
      const status = state.jobStatuses[Math.min(statusReads++, state.jobStatuses.length - 1)];
      const content = { sid: STANDIN_SID, eventCount: status.scanCount, messages: status.messages || [], ...status };
      return json(200, feed(origin, state.version, [entry(`${base}/search/v2/jobs`, STANDIN_SID, appName, content)]));
    }
    if (method === "POST" && rest === `search/v2/jobs/${STANDIN_SID}/results`) {
      return json(200, { preview: false, init_offset: 0, messages: [], fields: state.results.fields, rows: state.results.rows });
    }
    if (method === "GET" && rest === "configs/conf-commands") {
      const entries = Object.entries(app.commands).map(([name, settings]) => entry(`${base}/configs/conf-commands`, name, appName, settings));
      return json(200, feed(origin, state.version, entries));
    }
    if (method === "GET" && rest === "configs/conf-savedsearches") {
      const entries = app.savedSearches.map((name) => entry(`${base}/configs/conf-savedsearches`, name, appName, {}));
      return json(200, feed(origin, state.version, entries));
    }
    const macro = /^configs\/conf-macros(?:\/([^/]+))?(\/enable)?$/.exec(rest);
    // splunkd reports disabled as a JSON boolean and every other setting as text.
    const macroContent = (name: string) => {
      const settings = (app.macroSettings && app.macroSettings[name]) || {};
      return { ...settings, definition: app.macros[name], disabled: settings.disabled === "1" };
    };
    const setMacro = (name: string, key: string, value: string) => {
      app.macroSettings = app.macroSettings || {};
      app.macroSettings[name] = { ...app.macroSettings[name], [key]: value };
    };
    if (macro && method === "GET" && macro[1] === undefined) {
      const entries = Object.entries(app.macros).map(([name, definition]) => entry(`${base}/configs/conf-macros`, name, appName, { definition }));
      return json(200, feed(origin, state.version, entries));
    }
    if (macro) {
      const macroBase = `${base}/configs/conf-macros`;
      const name = macro[1] !== undefined ? macro[1] : String(form.name);
      if (method === "POST" && macro[1] === undefined) {
        if (app.macros[name] !== undefined) return messages(409, "ERROR", `An object with name=${name} already exists`);
        app.macros[name] = String(form.definition);
        return json(201, feed(origin, state.version, [entry(macroBase, name, appName, { definition: app.macros[name] })]));
      }
      if (app.macros[name] === undefined) return messages(404, "ERROR", `Could not find object id=${name}`);
      if (method === "POST" && macro[2] !== undefined) setMacro(name, "disabled", "0");
      else if (method === "POST") {
        for (const [key, value] of Object.entries(form)) {
          if (key === "definition") app.macros[name] = String(value);
          else if (key !== "output_mode") setMacro(name, key, String(value));
        }
      }
      return json(200, feed(origin, state.version, [entry(macroBase, name, appName, macroContent(name))]));
    }
    return messages(404, "ERROR", `Not Found: the stand-in does not serve ${method} ${base}/${rest}`);
  }

  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url || "/", "https://127.0.0.1");
      const path = url.pathname.split("/").map(decodeURIComponent).join("/");
      const form = formOf(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      const authorization = request.headers.authorization;
      requests.push({ method: request.method || "", path, query: formOf(url.searchParams), form, authorization });
      // splunkd ignores a trailing slash (the SDK adds one when it fetches an entity).
      const routed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
      const reply = route(request.method || "", routed, form, authorization, `https://127.0.0.1${url.pathname}`);
      if (state.leakyErrors && reply.status >= 400) {
        reply.body = { messages: [{ type: "ERROR", text: `denied authorization=${authorization} password=${String(form.password)}` }] };
      }
      response.writeHead(reply.status, { "Content-Type": "application/json; charset=UTF-8", ...reply.headers });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caFile: certificate.certFile,
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
