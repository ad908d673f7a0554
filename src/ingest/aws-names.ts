/**
 * Whether the names hunt is given could be in a source the Splunk Add-on for AWS builds for an EKS
 * control-plane log: "<region>:<log group>:<log stream>" (../shared/reference/escu-detection.md). A
 * name that cannot be gives rows whose cluster_name no Splunk search would show, so hunt warns.
 * The rules, from AWS's documentation:
 *   region      https://docs.aws.amazon.com/general/latest/gr/rande.html (e.g. us-east-1, us-gov-west-1, ap-southeast-5)
 *   log group   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 *               (1-512 of [\w.\-/#]); EKS writes /aws/eks/<cluster>/cluster
 *               (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html)
 *   cluster     https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html: 1-100 of [0-9A-Za-z_-], a letter or digit first
 *   log stream  https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html
 *               (1-512 characters, no ':' or '*'); the audit log's streams are kube-apiserver-audit-<id>
 */
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
const EKS_LOG_GROUP = /^\/aws\/eks\/[0-9A-Za-z][0-9A-Za-z_-]{0,99}\/cluster$/;
const LOG_GROUP = /^[\w.\-/#]{1,512}$/;

export interface AwsNames {
  region: string;
  logGroup?: string;
  logStream?: string;
  source?: string;
}

function regionProblem(region: string): string | undefined {
  return REGION.test(region) ? undefined : `is not an AWS region (such as us-east-1)`;
}

function logGroupProblem(group: string): string | undefined {
  if (!LOG_GROUP.test(group)) return "is not a CloudWatch Logs log group name (1-512 of letters, digits and _ - . / #)";
  if (!EKS_LOG_GROUP.test(group)) return "is not an EKS control-plane log group (/aws/eks/<cluster>/cluster)";
  return undefined;
}

function logStreamProblem(stream: string): string | undefined {
  if (stream === "" || stream.length > 512 || /[:*]/.test(stream)) return "is not a CloudWatch Logs log stream name (1-512 characters, no ':' or '*')";
  if (stream.indexOf("kube-apiserver-audit-") !== 0) return "is not an EKS audit log stream (kube-apiserver-audit-*): the search matches only audit events";
  return undefined;
}

/** Warnings, one per name that the AWS add-on could not have put in a source. */
export function awsNameWarnings(names: AwsNames): string[] {
  const out: string[] = [];
  const check = (option: string, value: string | undefined, problem: (v: string) => string | undefined) => {
    const why = value === undefined ? undefined : problem(value);
    if (why) out.push(`${option} ${JSON.stringify(value)} ${why}`);
  };
  if (names.source !== undefined) {
    // The log group holds no ':' and the stream none, so a source splits into exactly three parts.
    const parts = names.source.split(":");
    if (parts.length !== 3) {
      out.push(`--source ${JSON.stringify(names.source)} is not <region>:<log group>:<log stream>, the source the AWS add-on builds`);
    } else {
      check("--source's region", parts[0], regionProblem);
      check("--source's log group", parts[1], logGroupProblem);
      check("--source's log stream", parts[2], logStreamProblem);
    }
  }
  check("--region", names.region, regionProblem);
  check("--log-group", names.logGroup, logGroupProblem);
  check("--log-stream", names.logStream, logStreamProblem);
  return out;
}
