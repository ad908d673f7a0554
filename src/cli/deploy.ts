/**
 * eks-pod-scan deploy: install or update the app, over REST or by unpacking into $SPLUNK_HOME.
 */
import { deployToSplunkHome } from "../splunk/deploy-local";
import { checkServerPackagePath, deployOverRest, type DeployResult } from "../splunk/deploy-rest";
import { changeLines } from "../splunk/take-effect";
import { DEFAULT_APP, openSession } from "../splunk/session";
import {
  checkAppId,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  connectionFromOptions,
  hasConnectionOptions,
  processIo,
  runSubcommand,
  type CliIo,
} from "./connection";
import { CliError, EXIT } from "./exit";

const HELP = `usage: eks-pod-scan deploy --package FILE (--splunk-home DIR | --url URL credentials...) [options]

Installs or updates the app and says whether splunkd must be restarted.

  over REST   --package is a path ON THE SPLUNK SERVER (splunkd's apps/local endpoint cannot
              receive the package's bytes): copy the package there first. Not available on
              Splunk Cloud, which installs private apps through its own vetting.
  this host   --splunk-home DIR unpacks the package into DIR/etc/apps/<app>, keeping the
              installed app's local/ folder and metadata/local.meta.

options:
  --package FILE      the app package (.tar.gz, .tgz or .spl), e.g. dist/eks_pod_scan-<version>.tar.gz
  --splunk-home DIR   install on this host instead of over REST
  --app ID            the app's id, the package's top-level folder (default ${DEFAULT_APP})
  -h, --help          show this help

${CONNECTION_HELP}
deploy lists every file that changed (over REST: every conf splunkd reports for the app) and
what makes it take effect: a restart (commands.conf, or a new app on this host), a reload (any
other conf or .meta on this host: splunkd does not re-read files edited on disk), or nothing
(bin/ takes effect at the next search; over REST splunkd loads the confs it installs). It ends
with "restart needed" and "reload needed". splunkd's own restart_required message counts too.

exit codes: 0 ok, 1 failure (unreachable, TLS, 401, 404, unsafe package), 2 usage error
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  package: { type: "string" },
  "splunk-home": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  return runWith(argv, processIo());
}

export async function runWith(argv: string[], io: CliIo): Promise<number> {
  return runSubcommand("deploy", argv, io, { options: OPTIONS, help: HELP }, async (values, output) => {
    if (values.package === undefined) throw new CliError("--package is required", EXIT.usage);
    let result: DeployResult;
    if (values["splunk-home"] !== undefined) {
      if (hasConnectionOptions(values)) throw new CliError("--splunk-home installs on this host; do not combine it with --url or credentials", EXIT.usage);
      const app = checkAppId(values.app === undefined ? DEFAULT_APP : values.app);
      result = await deployToSplunkHome(values.package, values["splunk-home"], app);
    } else {
      checkServerPackagePath(values.package);
      const connection = connectionFromOptions(values, io, output);
      const session = await openSession(connection);
      for (const secret of session.secrets()) output.addSecret(secret);
      result = await deployOverRest(session, values.package);
    }
    output.out(report(result));
    return EXIT.ok;
  });
}

function report(result: DeployResult): string {
  const version = result.version === undefined ? "" : ` ${result.version}`;
  const changes = result.changes.length === 0 && result.updated ? "no file changed\n" : changeLines(result.changes);
  return (
    `${result.updated ? "updated" : "installed"} ${result.app}${version} at ${result.location}\n` +
    changes +
    `restart needed: ${result.restartNeeded ? `yes (${result.restartReason})` : "no"}\n` +
    `reload needed: ${result.reload}\n`
  );
}
