/**
 * Writes the built-in sample: a deterministic, synthetic EKS control-plane audit stream for three
 * clusters, as CloudWatch Logs subscription envelopes (one per line, gzip), the way Firehose/Lambda
 * deliver them. It holds ordinary traffic (kubectl users, controllers, kubelets, anonymous health probes,
 * ELB health checks) and anonymous pod-list scans: denied ones, one allowed on a misconfigured cluster,
 * and some that only the broad match finds (?limit=500, namespaced, watch).
 *
 *   npm run sample                                   samples/eks-audit-sample.jsonl.gz
 *   tsx scripts/make-sample.ts --out F --repeat N     N consecutive copies of the 4-hour window (benchmarks)
 *
 * All addresses are from the documentation ranges (RFC 5737) or private space; account ids are AWS's
 * documentation ids. Fixed seed: the same command writes the same bytes.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { Scenario, TrafficEvent, buildWindow } from "./sample-traffic";
import { seededRandom } from "./seeded-random";

export const SAMPLE_PATH = path.join(__dirname, "..", "samples", "eks-audit-sample.jsonl.gz");
const ACCOUNT = "111122223333";
const WINDOW_MS = 4 * 3600 * 1000;
const START_MS = Date.UTC(2024, 2, 11, 8, 0, 0);
const EVENTS_PER_ENVELOPE = 40;

function digits(random: () => number, n: number): string {
  let s = "";
  while (s.length < n) s += Math.floor(random() * 10);
  return s;
}

interface Envelope {
  first: number;
  line: string;
}

/** Groups one window's log lines by log stream into subscription envelopes, in time order. */
function envelopes(events: TrafficEvent[], random: () => number): Envelope[] {
  const byStream = new Map<string, TrafficEvent[]>();
  for (const e of events) {
    const key = `${e.logGroup}\u0000${e.logStream}`;
    const list = byStream.get(key);
    if (list) list.push(e);
    else byStream.set(key, [e]);
  }
  const out: Envelope[] = [];
  for (const list of byStream.values()) {
    list.sort((a, b) => a.timestamp - b.timestamp);
    for (let i = 0; i < list.length; i += EVENTS_PER_ENVELOPE) {
      const part = list.slice(i, i + EVENTS_PER_ENVELOPE);
      const envelope = {
        messageType: "DATA_MESSAGE",
        owner: ACCOUNT,
        logGroup: part[0].logGroup,
        logStream: part[0].logStream,
        subscriptionFilters: ["eks-audit-to-firehose"],
        logEvents: part.map((e) => ({ id: digits(random, 56), timestamp: e.timestamp, message: e.message })),
      };
      out.push({ first: part[0].timestamp, line: JSON.stringify(envelope) });
    }
  }
  return out.sort((a, b) => a.first - b.first);
}

function controlMessage(timestamp: number): string {
  return JSON.stringify({
    messageType: "CONTROL_MESSAGE",
    owner: "CloudwatchLogs",
    logGroup: "",
    logStream: "",
    subscriptionFilters: [],
    logEvents: [{ id: "", timestamp, message: "CWL CONTROL MESSAGE: Checking health of destination Firehose." }],
  });
}

/** Writes `repeat` consecutive windows; each is generated, written and dropped before the next. */
export async function writeSample(outPath: string, repeat: number, seed = 20240311): Promise<number> {
  const random = seededRandom(seed);
  const gzip = createGzip({ level: 9 });
  const file = createWriteStream(outPath);
  gzip.pipe(file);
  let events = 0;
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, "drain");
  };
  await write(controlMessage(START_MS) + "\n");
  for (let window = 0; window < repeat; window++) {
    const scenario: Scenario = { random, startMs: START_MS + window * WINDOW_MS, durationMs: WINDOW_MS, account: ACCOUNT };
    const traffic = buildWindow(scenario);
    events += traffic.length;
    for (const envelope of envelopes(traffic, random)) await write(envelope.line + "\n");
  }
  gzip.end();
  await once(file, "close");
  return events;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: "string", default: SAMPLE_PATH }, repeat: { type: "string", default: "1" } },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error("--repeat must be a positive integer");
  const events = await writeSample(values.out as string, repeat);
  process.stderr.write(`wrote ${events} log events to ${path.relative(process.cwd(), values.out as string)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`make-sample: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
