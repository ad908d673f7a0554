/**
 * What deploy, search and tune share: the connection options, output that can never show a
 * secret, and turning failures into messages and exit codes.
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SplunkError, type SplunkErrorKind } from "../splunk/errors";
import { DEFAULT_APP, type SplunkAuth, type SplunkConnection } from "../splunk/session";
import { CliError, EXIT } from "./exit";

// ---- output --------------------------------------------------------------------------------------

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: { [name: string]: string | undefined };
  /** Whether stderr is a terminal (progress lines are redrawn in place). */
  stderrIsTTY: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stderrIsTTY: !!process.stderr.isTTY,
  };
}

/** Every write goes through here, and every known secret is masked out of it. */
export class Output {
  private readonly secrets = new Set<string>();
  constructor(
    private readonly io: CliIo,
    private readonly command: string,
  ) {}

  addSecret(secret: string): void {
    if (secret !== "") this.secrets.add(secret);
  }
  out(text: string): void {
    this.io.stdout(this.redact(text));
  }
  err(text: string): void {
    this.io.stderr(this.redact(text));
  }
  /** A message line on stderr, prefixed with the command. */
  note(text: string): void {
    this.err(`eks-pod-scan ${this.command}: ${text}\n`);
  }
  get stderrIsTTY(): boolean {
    return this.io.stderrIsTTY;
  }
  redact(text: string): string {
    let safe = text;
    for (const secret of this.secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
        safe = safe.split(form).join("***");
      }
    }
    return safe;
  }
}

const EXIT_BY_KIND: { [kind in SplunkErrorKind]: number } = {
  input: EXIT.usage,
  refused: EXIT.failure,
  unreachable: EXIT.failure,
  tls: EXIT.failure,
  auth: EXIT.failure,
  forbidden: EXIT.failure,
  "not-found": EXIT.failure,
  server: EXIT.failure,
};

/** Runs a command body: failures become one stderr line and an exit code (0 ok, 1 failure, 2 usage). */
export async function runCommand(output: Output, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CliError) {
      output.note(error.message);
      if (error.exitCode === EXIT.usage) output.err(`Run 'eks-pod-scan ${usage} --help' for its options.\n`);
      return error.exitCode;
    }
    if (error instanceof SplunkError) {
      output.note(error.message);
      return EXIT_BY_KIND[error.kind];
    }
    output.note(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}

/**
 * util.parseArgs refuses `--earliest -24h` (a value that looks like an option) unless written
 * `--earliest=-24h`. Splunk times start with "-" so often that we join a string option with a
 * following value that starts with a single dash.
 */
export function joinDashValues(argv: string[], options: { [name: string]: { type: "string" | "boolean" } }): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name] && options[name].type === "string" && next !== undefined && /^-[^-]/.test(next)) {
      joined.push(`${argv[i]}=${next}`);
      i++;
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

/** Runs util.parseArgs, turning its errors (unknown option, missing value) into usage errors. */
export function parsedOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.usage);
  }
}

// ---- connection options --------------------------------------------------------------------------

export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  "token-env": { type: "string" },
  user: { type: "string" },
  "password-env": { type: "string" },
  app: { type: "string" },
  ca: { type: "string" },
  insecure: { type: "boolean" },
} as const;

export const CONNECTION_HELP = `connection (splunkd's management port):
  --url https://HOST:8089     splunkd's REST URL (port 8089 when omitted)
  --token-env VAR             authenticate with the bearer token in environment variable VAR
  --user NAME --password-env VAR
                              or log in as NAME with the password in environment variable VAR
  --app ID                    the app's id (default ${DEFAULT_APP})
  --ca FILE                   trust this PEM certificate/CA for splunkd's TLS certificate
  --insecure                  do not verify splunkd's TLS certificate (warns; avoid)
Secrets are read only from the environment and are never printed.
`;

interface ConnectionValues {
  url?: string;
  "token-env"?: string;
  user?: string;
  "password-env"?: string;
  app?: string;
  ca?: string;
  insecure?: boolean;
}

function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

export function checkAppId(app: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(app) || app.endsWith(".")) {
    throw usage(`--app: ${JSON.stringify(app)} is not a valid app id (letters, digits, '_', '.', '-')`);
  }
  return app;
}

/** Whether any connection option was given (tune --app-dir must not be mixed with them). */
export function hasConnectionOptions(values: ConnectionValues): boolean {
  return ["url", "token-env", "user", "password-env", "ca", "insecure"].some(
    (name) => values[name as keyof ConnectionValues] !== undefined,
  );
}

/** The connection from the options, reading secrets from the environment and registering them for redaction. */
export function connectionFromOptions(values: ConnectionValues, io: CliIo, output: Output): SplunkConnection {
  if (values.url === undefined) throw usage("--url is required (e.g. --url https://splunk.example.com:8089)");
  const url = parseSplunkUrl(values.url);
  const auth = authFromOptions(values, io, output);
  if (values.ca !== undefined && values.insecure) throw usage("--ca and --insecure contradict each other; pass one");
  const ca = values.ca === undefined ? undefined : readCa(values.ca);
  if (values.insecure) {
    output.note(`warning: --insecure: splunkd's TLS certificate is NOT verified; anyone on the path to ${url.host} can read the credentials`);
  }
  return { url, auth, app: checkAppId(values.app === undefined ? DEFAULT_APP : values.app), tls: { ca, insecure: !!values.insecure } };
}

export function parseSplunkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usage("--url: not a URL (expected https://HOST:8089)");
  }
  // Never echo a URL that carries credentials.
  if (url.username !== "" || url.password !== "") throw usage("--url must not contain credentials; use --user/--password-env or --token-env");
  if (url.protocol !== "https:") throw usage(`--url: ${url.protocol} is not supported; splunkd's REST API is https://HOST:8089`);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw usage("--url: give only https://HOST:PORT, without a path, query or fragment");
  }
  // new URL() drops an explicit :443, so look at what was typed to tell "no port" from ":443".
  const typedPort = /^https:\/\/(\[[^\]]*\]|[^/:?#]*):(\d+)/i.exec(raw);
  if (!typedPort) url.port = "8089";
  return url;
}

function envSecret(variable: string, option: string, io: CliIo): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw usage(`${option}: ${JSON.stringify(variable)} is not an environment variable name`);
  const value = io.env[variable];
  if (value === undefined || value === "") throw usage(`${option}: environment variable ${variable} is not set or empty`);
  return value;
}

function authFromOptions(values: ConnectionValues, io: CliIo, output: Output): SplunkAuth {
  const token = values["token-env"];
  const user = values.user;
  const passwordEnv = values["password-env"];
  if (token !== undefined && (user !== undefined || passwordEnv !== undefined)) {
    throw usage("pass either --token-env or --user with --password-env, not both");
  }
  if (token !== undefined) {
    const secret = envSecret(token, "--token-env", io);
    output.addSecret(secret);
    return { kind: "token", token: secret };
  }
  if (user === undefined || passwordEnv === undefined) {
    throw usage("credentials are required: --token-env VAR, or --user NAME with --password-env VAR");
  }
  const password = envSecret(passwordEnv, "--password-env", io);
  output.addSecret(password);
  return { kind: "password", user, password };
}

function readCa(file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw usage(`--ca: cannot read ${file} (${(error as NodeJS.ErrnoException).code || "error"})`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw usage(`--ca: ${file} holds no PEM certificate`);
  return pem;
}

/** The options of a subcommand: strict, no positionals, `--opt -value` joined, errors as usage errors. */
export function parseSubcommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
  return parsedOrUsage(() =>
    parseArgs({ args: joinDashValues(argv, options), options, strict: true, allowPositionals: false }),
  ).values;
}

type SubcommandOptions = NonNullable<ParseArgsConfig["options"]>;
export type SubcommandValues<T extends SubcommandOptions> = ReturnType<typeof parseSubcommandArgs<T>>;

/**
 * The frame of every subcommand: its options parsed, --help answered, then `body`, whose
 * failures become messages and exit codes (runCommand).
 */
export function runSubcommand<T extends SubcommandOptions>(
  name: string,
  argv: string[],
  io: CliIo,
  spec: { options: T; help: string },
  body: (values: SubcommandValues<T>, output: Output) => Promise<number>,
): Promise<number> {
  const output = new Output(io, name);
  return runCommand(output, name, async () => {
    const values = parseSubcommandArgs(argv, spec.options);
    if ((values as { help?: boolean }).help) {
      output.out(spec.help);
      return EXIT.ok;
    }
    return body(values, output);
  });
}
