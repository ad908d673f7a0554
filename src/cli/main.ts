/**
 * eks-pod-scan: the operator CLI.
 *   hunt    replay exported EKS audit logs through the bundled ekspodscan command (no Splunk needed)
 *   deploy  install or update the app on a Splunk (REST, or unpack into $SPLUNK_HOME/etc/apps)
 *   search  dispatch the saved hunting search on a Splunk and print its rows
 *   tune    set the filter macro from intent (allow-lists, minimum count), offline or over REST
 * Exit codes: 0 ok, 1 runtime failure, 2 usage error, 3 some input rejected (hunt).
 */
import { CliError, EXIT } from "./exit";

type Subcommand = (argv: string[]) => Promise<number>;

const SUBCOMMANDS: { [name: string]: () => Promise<Subcommand> } = {
  hunt: async () => (await import("./hunt")).run,
  deploy: async () => (await import("./deploy")).run,
  search: async () => (await import("./search")).run,
  tune: async () => (await import("./tune")).run,
};

const USAGE = `usage: eks-pod-scan <command> [options]

commands:
  hunt     replay exported EKS audit logs through the ekspodscan command, as splunkd would
  deploy   install or update the eks_pod_scan app on a Splunk
  search   run the saved hunting search on a Splunk and print the rows
  tune     set the filter macro (allow-lists, minimum count), in an app directory or over REST

Run 'eks-pod-scan <command> --help' for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = SUBCOMMANDS[name];
  if (!load) {
    process.stderr.write(`eks-pod-scan: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`eks-pod-scan: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : EXIT.failure;
  },
);
