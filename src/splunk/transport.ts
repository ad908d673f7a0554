/**
 * An HTTP transport for splunk-sdk that verifies TLS certificates.
 *
 * The SDK's own NodeHttp hard-codes rejectUnauthorized:false (any certificate is accepted, so a
 * machine in the middle gets the password). This one verifies against the system CAs, or against
 * the operator's --ca, and only skips verification when asked to (--insecure).
 */
import https from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { SdkHttp, SdkRequestMessage, SdkResponse, SplunkSdk } from "./sdk";

export interface TlsOptions {
  /** PEM certificates to trust instead of the system CAs (the --ca file's bytes). */
  ca?: Buffer;
  /** Skip certificate verification (--insecure). */
  insecure: boolean;
}

/** Idle time after which a request is abandoned; splunkd answers REST calls well within it. */
export const REQUEST_IDLE_TIMEOUT_MS = 60_000;

const USER_AGENT = "eks-pod-scan (splunk-sdk)";

export function createVerifyingHttp(sdk: SplunkSdk, tls: TlsOptions): SdkHttp {
  const VerifyingHttp = sdk.Http.extend({
    makeRequest(url: string, message: SdkRequestMessage): Promise<SdkResponse> {
      return send(url, message, tls);
    },
    parseJson(json: string): unknown {
      return JSON.parse(json);
    },
  });
  return new VerifyingHttp();
}

function send(url: string, message: SdkRequestMessage, tls: TlsOptions): Promise<SdkResponse> {
  const body = Buffer.from(message.body || "", "utf8");
  const headers: { [name: string]: string | number } = { ...message.headers };
  headers["Content-Length"] = body.length;
  headers["User-Agent"] = USER_AGENT;
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: message.method,
      headers,
      ca: tls.ca,
      rejectUnauthorized: !tls.insecure,
      // No keep-alive pool: each CLI run makes a handful of calls and must exit promptly.
      agent: false,
    });
    request.setTimeout(REQUEST_IDLE_TIMEOUT_MS, () => {
      request.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" }));
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      // The SDK expects a response-shaped rejection; 600 is what its own transport uses for "no response".
      reject({ response: { headers: {}, statusCode: 600 }, status: 600, data: {}, error: { code: error.code, message: error.message } });
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error: NodeJS.ErrnoException) => {
        reject({ response: { headers: {}, statusCode: 600 }, status: 600, data: {}, error: { code: error.code, message: error.message } });
      });
      response.on("end", () => {
        const statusCode = response.statusCode || 0;
        const text = Buffer.concat(chunks).toString("utf8");
        const headers = plainHeaders(response.headers);
        const contentType = response.headers["content-type"];
        const data = decode(text, contentType);
        const refused = (error: NotRestResponse["error"]) => reject({ response: { headers, statusCode }, status: statusCode, data: {}, error });
        // The SDK takes any status under 400 as success and then reads fields that are not there.
        if (statusCode >= 300 && statusCode < 400) {
          const location = response.headers.location;
          return refused({ code: "REDIRECT", location: location === undefined ? undefined : new URL(location, url).href });
        }
        // Every request asks for output_mode=json (or json_rows): a 2xx body that is not JSON is not
        // splunkd's. An empty one passes (results of a search with none), and is judged by its reader.
        if (statusCode >= 200 && statusCode < 300 && text !== "" && typeof data === "string") {
          return refused({ code: "NOT_JSON", contentType: contentType && contentType.split(";")[0].trim() });
        }
        resolve({ response: { headers, statusCode }, status: statusCode, data, error: null });
      });
    });
    request.end(body);
  });
}

/** A response that did not come from splunkd's REST API: a redirect, or a success without JSON. */
export interface NotRestResponse {
  status: number;
  error: { code: "REDIRECT"; location?: string } | { code: "NOT_JSON"; contentType?: string };
}

function plainHeaders(headers: IncomingHttpHeaders): SdkResponse["response"]["headers"] {
  return { ...headers };
}

/**
 * JSON bodies are parsed; anything else (csv/xml output modes, HTML error pages) stays text.
 * Parsing here instead of in the SDK's _buildResponse also keeps the SDK from logging bodies.
 */
function decode(text: string, contentType: string | undefined): unknown {
  if (contentType && contentType.startsWith("application/json") && text !== "") {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
