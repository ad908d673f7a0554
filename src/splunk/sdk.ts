/**
 * Loads splunk-sdk (CommonJS, no types) and describes the small part of it we use.
 *
 * The SDK's index.js calls require("dotenv").config() on import, which would copy a `.env` from
 * the current directory into process.env (and so could hand a stray SPLUNK_* value or LOG_LEVEL to
 * the process). The dotenv it ships (16.0.0) ignores DOTENV_CONFIG_PATH in config(), so setting that
 * variable would not help: we put a stand-in dotenv into the require cache for the duration of the
 * SDK's import instead, then restore whatever was there.
 */
import path from "node:path";

/** What the SDK's transport resolves with (lib/http.js `_buildResponse` shape). */
export interface SdkResponse {
  response: { headers: { [name: string]: string | string[] | undefined }; statusCode: number };
  status: number;
  data: unknown;
  error: unknown;
}

/** The request the SDK hands to a transport's makeRequest (lib/http.js `request`). */
export interface SdkRequestMessage {
  method: string;
  headers: { [name: string]: string | number };
  body: string;
  timeout?: number;
}

export interface SdkHttp {
  makeRequest(url: string, message: SdkRequestMessage): Promise<SdkResponse>;
}

export interface SdkEntity {
  name: string;
  qualifiedPath: string;
  fetch(): Promise<SdkEntity>;
  properties(): { [key: string]: unknown };
  acl(): { [key: string]: unknown };
  update(props: { [key: string]: string }): Promise<SdkEntity>;
  post(relpath: string, params: { [key: string]: unknown }): Promise<SdkResponse>;
  get(relpath: string, params: { [key: string]: unknown }): Promise<SdkResponse>;
}

export interface SdkJob extends SdkEntity {
  sid: string;
  results(params: { [key: string]: unknown }): Promise<[unknown, SdkJob]>;
  cancel(): Promise<SdkResponse>;
}

export interface SdkSavedSearch extends SdkEntity {
  dispatch(params: { [key: string]: unknown }): Promise<[SdkJob, SdkSavedSearch]>;
}

export interface SdkNamespace {
  owner: string;
  app: string;
}

export interface SdkServiceParams {
  scheme: string;
  host: string;
  port: string | number;
  owner: string;
  app: string;
  version: string;
  username?: string;
  password?: string;
  sessionKey?: string;
  authorization?: string;
  autologin?: boolean;
}

export interface SdkService {
  sessionKey: string;
  version: string;
  login(): Promise<boolean>;
  getInfo(): Promise<boolean>;
  get(path: string, params: { [key: string]: unknown }): Promise<SdkResponse>;
  post(path: string, params: { [key: string]: unknown }): Promise<SdkResponse>;
  apps(): { create(params: { [key: string]: unknown }): Promise<SdkEntity> };
}

export interface SplunkSdk {
  Http: { extend(prototype: object): new () => SdkHttp };
  Service: {
    new (http: SdkHttp, params: SdkServiceParams): SdkService;
    SavedSearch: new (service: SdkService, name: string, namespace: SdkNamespace) => SdkSavedSearch;
    ConfigurationStanza: new (service: SdkService, file: string, name: string, namespace: SdkNamespace) => SdkEntity;
    Application: new (service: SdkService, name: string) => SdkEntity;
  };
}

let loaded: SplunkSdk | undefined;

/** splunk-sdk, imported with its dotenv side effect switched off. */
export function loadSplunkSdk(): SplunkSdk {
  if (loaded) return loaded;
  const sdkEntry = require.resolve("splunk-sdk");
  const dotenvId = require.resolve("dotenv", { paths: [path.dirname(sdkEntry)] });
  const previous = require.cache[dotenvId];
  require.cache[dotenvId] = inertDotenvModule(dotenvId);
  try {
    loaded = require(sdkEntry) as SplunkSdk;
  } finally {
    if (previous) require.cache[dotenvId] = previous;
    else delete require.cache[dotenvId];
  }
  return loaded;
}

/** A module record whose config() reads nothing, as dotenv does when no .env file exists. */
function inertDotenvModule(id: string): NodeJS.Module {
  const inert = { config: () => ({ parsed: {} }), parse: () => ({}) };
  return { id, filename: id, loaded: true, exports: inert, children: [], paths: [] } as unknown as NodeJS.Module;
}
