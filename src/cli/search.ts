/**
 * eks-pod-scan search: dispatch the saved hunting search on a Splunk, wait, print its rows.
 */
import { DEFAULT_SAVED_SEARCH, runSavedSearch, type JobProgress } from "../splunk/search";
import { openSession } from "../splunk/session";
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionFromOptions, Output, processIo, runSubcommand, type CliIo } from "./connection";
import { CliError, EXIT } from "./exit";
import { renderRows, type OutputFormat } from "./format";

const HELP = `usage: eks-pod-scan search --url URL (--token-env VAR | --user NAME --password-env VAR) [options]

Dispatches the app's saved hunting search on splunkd, waits for the job (progress on stderr)
and prints its result rows on stdout. Alert and risk actions are not triggered.

options:
  --name NAME        saved search to run (default "${DEFAULT_SAVED_SEARCH}")
  --earliest TIME    dispatch.earliest_time (default -24h)
  --latest TIME      dispatch.latest_time (default now)
  --format FORMAT    table (default), json or csv
  -h, --help         show this help

${CONNECTION_HELP}
exit codes: 0 ok, 1 failure (unreachable, TLS, 401, 404, search failed), 2 usage error
`;

const FORMATS: OutputFormat[] = ["table", "json", "csv"];

/** Time between job status reads. */
export const POLL_INTERVAL_MS = 1000;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  name: { type: "string", default: DEFAULT_SAVED_SEARCH },
  earliest: { type: "string", default: "-24h" },
  latest: { type: "string", default: "now" },
  format: { type: "string", default: "table" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  const aborter = new AbortController();
  const onInterrupt = () => aborter.abort();
  process.once("SIGINT", onInterrupt);
  try {
    return await runWith(argv, processIo(), { signal: aborter.signal });
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}

export async function runWith(argv: string[], io: CliIo, options: { pollIntervalMs?: number; signal?: AbortSignal } = {}): Promise<number> {
  return runSubcommand("search", argv, io, { options: OPTIONS, help: HELP }, async (values, output) => {
    const format = values.format as OutputFormat;
    if (!FORMATS.includes(format)) throw new CliError(`--format: expected one of ${FORMATS.join(", ")}`, EXIT.usage);
    for (const [option, value] of [["--name", values.name], ["--earliest", values.earliest], ["--latest", values.latest]] as const) {
      if (value.trim() === "" || /[\u0000-\u001f\u007f]/.test(value)) throw new CliError(`${option}: empty or contains control characters`, EXIT.usage);
    }
    const connection = connectionFromOptions(values, io, output);
    const session = await openSession(connection);
    for (const secret of session.secrets()) output.addSecret(secret);
    const progress = new ProgressLine(output);
    let result;
    try {
      result = await runSavedSearch(session, {
        name: values.name,
        earliest: values.earliest,
        latest: values.latest,
        pollIntervalMs: options.pollIntervalMs === undefined ? POLL_INTERVAL_MS : options.pollIntervalMs,
        onProgress: (p) => progress.show(p),
        signal: options.signal,
      });
    } finally {
      progress.end();
    }
    output.out(renderRows(result.columns, result.rows, format));
    return EXIT.ok;
  });
}

/** One status line on stderr: redrawn in place on a terminal, printed when it changes otherwise. */
class ProgressLine {
  private last = "";
  private drawn = false;
  constructor(private readonly output: Output) {}

  show(p: JobProgress): void {
    const percent = Math.round(Math.min(1, Math.max(0, p.doneProgress)) * 100);
    const line = `search ${p.sid}: ${p.dispatchState} ${percent}% (${plural(p.scanCount, "event")} scanned, ${plural(p.resultCount, "result")})`;
    if (line === this.last) return;
    this.last = line;
    if (this.output.stderrIsTTY) {
      this.output.err(`\r\u001b[2K${line}`);
      this.drawn = true;
    } else {
      this.output.err(`${line}\n`);
    }
  }

  end(): void {
    if (this.drawn) this.output.err("\n");
    this.drawn = false;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
