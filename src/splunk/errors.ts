/**
 * Failures of Splunk operations, sorted into kinds the CLI can explain and map to exit codes.
 * Messages are written for the operator and never include request headers or bodies (secrets).
 */

export type SplunkErrorKind =
  | "unreachable" // no TCP/TLS connection, DNS failure, timeout
  | "tls" // the server's certificate was not trusted
  | "auth" // 401: bad credentials or expired token
  | "forbidden" // 403: authenticated but not allowed
  | "not-found" // 404: missing app, saved search, macro
  | "server" // any other HTTP error, or a response we cannot use
  | "input" // an option's value was rejected before anything was sent
  | "refused"; // content we were given (a package) is unsafe or malformed

export class SplunkError extends Error {
  constructor(
    readonly kind: SplunkErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "SplunkError";
  }
}

/** Node's codes for certificates that fail verification (tls.TLSSocket authorizationError). */
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** What the transport rejects with when no HTTP response arrived (statusCode 600, as the SDK's own transport does). */
export interface TransportFailure {
  status: 600;
  error: { code?: string; message?: string };
}

/** The HTTP status and splunkd's messages of an SDK rejection, whatever shape it came in. */
export function responseOf(failure: unknown): { status?: number; code?: string; messages: string[] } {
  // Entity.update and friends reject with [response, entity].
  const value = Array.isArray(failure) ? failure[0] : failure;
  if (value && typeof value === "object" && "status" in value) {
    const response = value as { status?: unknown; data?: unknown; error?: unknown };
    const status = typeof response.status === "number" ? response.status : undefined;
    const error = response.error as { code?: unknown } | null | undefined;
    const code = error && typeof error.code === "string" ? error.code : undefined;
    return { status, code, messages: splunkdMessages(response.data) };
  }
  return { messages: [] };
}

/** The text of splunkd's {"messages":[{"type","text"}]} error body. */
function splunkdMessages(data: unknown): string[] {
  if (!data || typeof data !== "object") return [];
  const messages = (data as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return [];
  return messages
    .map((m) => (m && typeof m === "object" && typeof m.text === "string" ? m.text : ""))
    .filter((text) => text !== "");
}

export interface FailureContext {
  /** "https://host:8089", for messages about the connection. */
  url: string;
  /** What we were doing, e.g. "dispatching saved search 'X'". */
  doing: string;
  /** The message for a 404, naming what is missing. */
  notFound?: string;
}

/** Turns any rejection from the SDK or our transport into a SplunkError with a clear message. */
export function explainFailure(failure: unknown, context: FailureContext): SplunkError {
  if (failure instanceof SplunkError) return failure;
  const { status, code, messages } = responseOf(failure);
  const notRest = notRestResponse(failure, status, code, context);
  if (notRest) return notRest;
  const said = messages.length > 0 ? `: splunkd says "${messages.join("; ")}"` : "";
  if (status === 600 || (status === undefined && code !== undefined)) {
    if (code !== undefined && TLS_CODES.has(code)) {
      return new SplunkError(
        "tls",
        `TLS verification failed for ${context.url} (${code}). Pass --ca FILE with the certificate ` +
          "(or its CA) that splunkd presents, or --insecure to skip verification (not recommended).",
      );
    }
    return new SplunkError("unreachable", `cannot reach Splunk at ${context.url} (${code || "connection failed"}) while ${context.doing}`);
  }
  if (status === 401) {
    return new SplunkError(
      "auth",
      `authentication failed (401) while ${context.doing}: check --user and --password-env, or --token-env${said}`,
      401,
    );
  }
  if (status === 403) return new SplunkError("forbidden", `permission denied (403) while ${context.doing}${said}`, 403);
  if (status === 404) return new SplunkError("not-found", `${context.notFound || "not found (404)"}${said}`, 404);
  if (status !== undefined) return new SplunkError("server", `splunkd answered ${status} while ${context.doing}${said}`, status);
  const text = typeof failure === "string" ? failure : failure instanceof Error ? failure.message : "unexpected failure";
  return new SplunkError("server", `${context.doing} failed: ${text}`);
}

const SDK_LACKS: { [rejection: string]: string } = {
  "No version found": "server/info without a version", // Context.getInfo
  "No session key available": "auth/login without a session key", // Context.login
};

/** A 200 whose body lacks what splunkd always sends (`lacking`, e.g. "server/info without a version"). */
export function notSplunkd(context: FailureContext, lacking: string): SplunkError {
  return new SplunkError("server", `${context.url} answered ${lacking}, while ${context.doing}: not a splunkd REST response: ${MANAGEMENT_PORT}`);
}

const MANAGEMENT_PORT = "is --url splunkd's management port (8089 by default)? Splunk Web's port does not serve the REST API";

/** A redirect or a success without JSON (see transport.ts): most often --url names Splunk Web. */
function notRestResponse(failure: unknown, status: number | undefined, code: string | undefined, context: FailureContext): SplunkError | undefined {
  // What splunk-sdk rejects with when a 200's JSON (or empty body) lacks what splunkd always sends.
  const lacking = SDK_LACKS[String(failure)];
  if (typeof failure === "string" && lacking !== undefined) return notSplunkd(context, lacking);
  if (status === undefined || (code !== "REDIRECT" && code !== "NOT_JSON")) return undefined;
  const error = (failure as { error: { location?: string; contentType?: string } }).error;
  if (code === "REDIRECT") {
    const to = error.location ? `, a redirect to ${error.location}` : ", a redirect";
    return new SplunkError("server", `${context.url} answered ${status}${to}, while ${context.doing}; redirects are not followed: ${MANAGEMENT_PORT}`, status);
  }
  const body = error.contentType ? `${error.contentType} that is not JSON` : "a body that is not JSON";
  return new SplunkError("server", `${context.url} answered ${status} with ${body}, while ${context.doing}: not a splunkd REST response: ${MANAGEMENT_PORT}`, status);
}
