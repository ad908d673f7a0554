/**
 * A logged-in splunk-sdk Service in the app's namespace (owner "nobody"), over the verifying transport.
 *
 * SDK traps handled here:
 * - specialize() drops `authorization`, so a bearer token would be sent as "Splunk <token>";
 *   we build the Service with owner/app directly and never specialize.
 * - with a token (no login) the version stays "default", which the SDK treats as 5.0 and so uses
 *   the deprecated v1 search endpoints; we pass a version and then read the real one from server/info.
 */
import { explainFailure, notSplunkd, SplunkError } from "./errors";
import { loadSplunkSdk, type SdkNamespace, type SdkService, type SplunkSdk } from "./sdk";
import { createVerifyingHttp, type TlsOptions } from "./transport";

export const DEFAULT_APP = "eks_pod_scan";

/** Owner for app-level knowledge objects (what Splunk Web calls "shared in app"). */
export const APP_OWNER = "nobody";

/** Assumed until server/info answers: recent enough that the SDK picks the v2 search endpoints. */
const ASSUMED_SPLUNK_VERSION = "9.0.2";

export type SplunkAuth = { kind: "token"; token: string } | { kind: "password"; user: string; password: string };

export interface SplunkConnection {
  /** https://host:port of splunkd's management port. */
  url: URL;
  auth: SplunkAuth;
  app: string;
  tls: TlsOptions;
}

export interface SplunkSession {
  sdk: SplunkSdk;
  service: SdkService;
  namespace: SdkNamespace;
  connection: SplunkConnection;
  /** splunkd's version, from server/info. */
  version: string;
  /** Values that must never be printed: the password or token, and the session key. */
  secrets(): string[];
}

/** Connects and authenticates (login for user/password, server/info for a token). */
export async function openSession(connection: SplunkConnection): Promise<SplunkSession> {
  const sdk = loadSplunkSdk();
  const http = createVerifyingHttp(sdk, connection.tls);
  const namespace = { owner: APP_OWNER, app: connection.app };
  const base = {
    scheme: "https",
    // URL.hostname keeps an IPv6 literal's brackets, which the SDK's scheme://host:port needs.
    host: connection.url.hostname,
    port: connection.url.port || "443",
    owner: namespace.owner,
    app: namespace.app,
    version: ASSUMED_SPLUNK_VERSION,
  };
  const service =
    connection.auth.kind === "token"
      ? new sdk.Service(http, { ...base, sessionKey: connection.auth.token, authorization: "Bearer", autologin: false })
      : new sdk.Service(http, { ...base, username: connection.auth.user, password: connection.auth.password });
  const doing = connection.auth.kind === "token" ? "reading server/info with the token" : "logging in";
  try {
    // login() posts auth/login, then reads server/info; with a token we read server/info ourselves.
    if (connection.auth.kind === "token") await service.getInfo();
    else await service.login();
  } catch (failure) {
    // The SDK reads server/info's generator.version without checking that the JSON has one.
    if (failure instanceof TypeError) throw notSplunkd({ url: connection.url.origin, doing }, "server/info without a version");
    throw explainFailure(failure, { url: connection.url.origin, doing });
  }
  if (typeof service.version !== "string" || service.version === "") {
    throw new SplunkError("server", `server/info at ${connection.url.origin} did not report a version`);
  }
  const auth = connection.auth;
  return {
    sdk,
    service,
    namespace,
    connection,
    version: service.version,
    secrets: () => [auth.kind === "token" ? auth.token : auth.password, service.sessionKey].filter((s) => !!s),
  };
}

/** Whether the app is installed (GET /services/apps/local/<app>), to tell a missing app from a missing object. */
export async function appExists(session: SplunkSession, app: string): Promise<boolean> {
  try {
    await session.service.get(`/services/apps/local/${encodeURIComponent(app)}`, {});
    return true;
  } catch (failure) {
    const explained = explainFailure(failure, { url: session.connection.url.origin, doing: `looking up app '${app}'` });
    if (explained.kind === "not-found") return false;
    throw explained;
  }
}

export function appMissingError(session: SplunkSession): SplunkError {
  const app = session.connection.app;
  return new SplunkError("not-found", `app '${app}' is not installed on ${session.connection.url.origin} (404); deploy it first or pass --app`, 404);
}

/** A 404 on an app-namespaced object: says whether the app or the object is missing. */
export async function explainMissing(session: SplunkSession, object: string): Promise<SplunkError> {
  if (!(await appExists(session, session.connection.app))) return appMissingError(session);
  return new SplunkError("not-found", `${object} was not found in app '${session.connection.app}' (404)`, 404);
}
