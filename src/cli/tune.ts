/**
 * eks-pod-scan tune: set the filter macro from intent, in an app directory or over REST.
 */
import { SplunkError } from "../splunk/errors";
import { allowsEverySource, FILTER_MACRO, parseMinCount, parseNetwork, PASS_ALL_DEFINITION, renderFilter } from "../splunk/filter";
import { openSession } from "../splunk/session";
import { currentFilterInAppDir, currentFilterOverRest, tuneAppDir, tuneOverRest, type CurrentFilter, type TuneResult } from "../splunk/tune";
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  connectionFromOptions,
  hasConnectionOptions,
  processIo,
  runSubcommand,
  type CliIo,
} from "./connection";
import { CliError, EXIT } from "./exit";

const HELP = `usage: eks-pod-scan tune [filter options | --reset | --show] [--dry-run] (--app-dir DIR | --url URL credentials...)

Sets the ${FILTER_MACRO} macro, which runs on the
detection's rows (src_ip, cluster_name, count, values(userAgent)), from what you want to allow.
Each run sets the whole filter: repeat every allow-list you want to keep.

filter options (repeatable unless noted):
  --allow-src CIDR|IP      drop rows whose src_ip is in this IPv4/IPv6 network or is this address
  --allow-cluster NAME     drop rows of the EKS cluster NAME (its log group /aws/eks/NAME/cluster
                           in cluster_name); a NAME with ':' or '/' must be the whole cluster_name
  --allow-agent GLOB       drop rows whose user agents ALL match an allowed glob (* any run,
                           ? one character, case-sensitive); a source that also used another
                           agent stays visible
  --min-count N            drop rows with fewer than N requests (once)
  --force                  write an --allow-src of every address (0.0.0.0/0, ::/0), which mutes
                           the detection for that family; refused without it
  --reset                  back to the default definition: ${PASS_ALL_DEFINITION}
  --show                   print the current definition and change nothing

target (one of):
  --app-dir DIR            edit DIR/local/macros.conf (other stanzas and comments are kept)
  --url URL ...            update the macro in the app's namespace on splunkd (owner nobody)

  --dry-run                print the new definition and a unified diff; change nothing
  -h, --help               show this help

Values are validated (IP/CIDR syntax; no control characters or backticks) and quoted, so that
nothing typed can end the macro or add SPL. An IPv4-mapped address (::ffff:10.0.0.1) is written
as the IPv4 one, which is what src_ip holds.

tune owns the macro's stanza: it sets iseval = 0 and removes disabled (in local/, overriding
default/; over REST it enables the macro), and says so on stderr.

${CONNECTION_HELP}
exit codes: 0 ok, 1 failure (unreachable, TLS, 401, 404), 2 usage error or rejected value
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  "allow-src": { type: "string", multiple: true },
  "allow-agent": { type: "string", multiple: true },
  "allow-cluster": { type: "string", multiple: true },
  "min-count": { type: "string", multiple: true },
  force: { type: "boolean" },
  reset: { type: "boolean" },
  show: { type: "boolean" },
  "dry-run": { type: "boolean" },
  "app-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  return runWith(argv, processIo());
}

export async function runWith(argv: string[], io: CliIo): Promise<number> {
  return runSubcommand("tune", argv, io, { options: OPTIONS, help: HELP }, async (values, output) => {
    const allowSrc = values["allow-src"] || [];
    const allowAgent = values["allow-agent"] || [];
    const allowCluster = values["allow-cluster"] || [];
    const minCounts = values["min-count"] || [];
    if (minCounts.length > 1) throw new CliError(`--min-count can be given once (got ${minCounts.join(", ")})`, EXIT.usage);
    const minCount = minCounts.length === 1 ? minCounts[0] : undefined;
    if (values.force && allowSrc.length === 0) throw new CliError("--force applies only to --allow-src", EXIT.usage);
    const setsFilter = allowSrc.length + allowAgent.length + allowCluster.length > 0 || minCount !== undefined;
    const modes = [setsFilter, !!values.reset, !!values.show].filter(Boolean).length;
    if (modes === 0) throw new CliError("nothing to do: give filter options, --reset or --show", EXIT.usage);
    if (modes > 1) throw new CliError("filter options, --reset and --show cannot be combined", EXIT.usage);
    if (values.show && values["dry-run"]) throw new CliError("--show changes nothing; --dry-run does not apply", EXIT.usage);
    const appDir = values["app-dir"];
    if (appDir !== undefined && hasConnectionOptions(values)) throw new CliError("pass either --app-dir or --url, not both", EXIT.usage);
    if (appDir === undefined && values.url === undefined) throw new CliError("a target is required: --app-dir DIR or --url URL", EXIT.usage);

    // Validate the intent before connecting anywhere.
    const definition = values.reset
      ? PASS_ALL_DEFINITION
      : values.show
        ? undefined
        : renderFilter({
            allowSrc,
            allowAgent,
            allowCluster,
            minCount: minCount === undefined ? undefined : parseMinCount(minCount),
          });
    for (const cidr of new Set(allowSrc.map(parseNetwork))) {
      const family = allowsEverySource(cidr);
      if (family === undefined) continue;
      const muted = `--allow-src ${cidr} allows every ${family} source: the detection would report no scan from any of them`;
      if (!values.force) throw new SplunkError("input", `${muted}; pass --force to write it anyway`);
      output.note(`warning: ${muted}`);
    }

    let current: () => Promise<CurrentFilter>;
    let apply: (definition: string, dryRun: boolean) => Promise<TuneResult>;
    if (appDir !== undefined) {
      current = async () => currentFilterInAppDir(appDir);
      apply = async (d, dryRun) => tuneAppDir(appDir, d, { dryRun });
    } else {
      const session = await openSession(connectionFromOptions(values, io, output));
      for (const secret of session.secrets()) output.addSecret(secret);
      current = () => currentFilterOverRest(session);
      apply = (d, dryRun) => tuneOverRest(session, d, { dryRun });
    }

    if (definition === undefined) {
      const shown = await current();
      if (shown.definition === undefined) throw new SplunkError("not-found", `macro ${FILTER_MACRO} is not defined (${shown.source})`);
      output.out(`[${FILTER_MACRO}]\ndefinition = ${shown.definition}\n`);
      output.note(`from ${shown.source}`);
      return EXIT.ok;
    }
    const dryRun = !!values["dry-run"];
    const result = await apply(definition, dryRun);
    for (const note of result.notes) output.note(note);
    output.out(`definition = ${result.definition}\n`);
    if (dryRun) output.out(result.diff === "" ? "(no change)\n" : result.diff);
    else output.note(result.changed ? `updated ${result.target}` : `unchanged ${result.target}`);
    return EXIT.ok;
  });
}
