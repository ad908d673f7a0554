/**
 * hunt over audit events other projects published (../shared/reference-data/k8s-audit/, read in
 * place): as published (raw/), as JSON lines (messages.txt, events.jsonl) and in CloudWatch
 * envelopes. Every event is read, none is rejected, and none is an anonymous pod list, so no search
 * returns a row. Falco's `{"kind": 0}` line is a JSON object, so it is read as an event too, as Splunk
 * would index it (with no time of its own: it is given one and counted in the warning).
 * Panther publishes its events inside YAML rule tests; messages.txt holds them as JSON lines.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { IndexedEvent } from "../src/ingest/event";
import { FieldSelection } from "../src/ingest/flatten";
import { readEvents } from "../src/ingest/reader";
import { InputReport } from "../src/ingest/report";

const ROOT = path.resolve(__dirname, "..");
const DATA = path.join("..", "shared", "reference-data", "k8s-audit");
const WARNING =
  "no usable time; given, as Splunk does, the previous event's time from the same source, else the file's modification time, else the current time";

function under(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...under(at, keep));
    else if (keep(entry.name)) out.push(at);
  }
  return out.sort();
}

interface Source {
  name: string;
  published: string[]; // the files as published
  events: number; // events in each form
  timeless: { [form: string]: number }; // events that carry no usable time, by form
}

const at = (source: string, ...parts: string[]) => path.join(DATA, source, ...parts);
const SOURCES: Source[] = [
  {
    name: "falcosecurity-falco",
    published: under(at("falcosecurity-falco", "raw", "test", "trace_files"), (n) => n.endsWith(".json")),
    events: 52,
    timeless: { published: 1, "messages.txt": 1 },
  },
  { name: "liggitt-audit2rbac", published: [at("liggitt-audit2rbac", "raw", "testdata", "demo.log")], events: 37, timeless: {} },
  {
    name: "openshift-cluster-logging-operator",
    published: under(at("openshift-cluster-logging-operator", "raw"), (n) => n.endsWith(".json") || n.endsWith(".log")),
    events: 109,
    timeless: {},
  },
  { name: "panther-analysis", published: [at("panther-analysis", "messages.txt")], events: 49, timeless: { published: 33, "messages.txt": 33, "events.jsonl": 33 } },
];

async function read(paths: string[]): Promise<{ events: IndexedEvent[]; stderr: string }> {
  let stderr = "";
  const report = new InputReport({ write: (t) => void (stderr += t), isTTY: false, now: () => 0 }, 1000);
  const events: IndexedEvent[] = [];
  for await (const batch of readEvents(paths, { region: "us-east-1", selection: FieldSelection.all() }, report)) events.push(...batch);
  report.finish();
  return { events, stderr };
}

function hunt(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("hunt reads the audit events other projects published, as Splunk would index them", function () {
  this.timeout(120000);

  for (const source of SOURCES) {
    const forms: { [form: string]: string[] } = {
      published: source.published,
      "messages.txt": [at(source.name, "messages.txt")],
      "events.jsonl": [at(source.name, "events.jsonl")],
      "envelopes.jsonl": [at(source.name, "envelopes.jsonl")],
    };
    // Falco's events.jsonl holds its 51 Event objects, without the {"kind": 0} line.
    const count = (form: string) => (source.name === "falcosecurity-falco" && form === "events.jsonl" ? 51 : source.events);

    it(`${source.name}: every event is read in every form, none rejected`, async () => {
      expect(source.published.length).to.be.greaterThan(0);
      for (const form of Object.keys(forms)) {
        const { events, stderr } = await read(forms[form]);
        const inputs = forms[form].length === 1 ? "1 input" : `${forms[form].length} inputs`;
        const timeless = source.timeless[form] || 0;
        const warning = timeless === 0 ? "" : `hunt: warning: ${timeless} ${timeless === 1 ? "event carries" : "events carry"} ${WARNING}\n`;
        expect(stderr, `${source.name} ${form}`).to.equal(`hunt: read ${count(form)} events from ${inputs}; 0 rejected\n${warning}`);
        expect(events, form).to.have.length(count(form));
      }
    });

    it(`${source.name}: no row in exact or broad mode; annotate returns every event, none a pod scan`, () => {
      const inputs = Object.values(forms).flat().flatMap((p) => ["--input", p]);
      for (const match of ["exact", "broad"]) {
        const run = hunt([...inputs, "--format", "json", "--match", match]);
        expect(run.status, run.stderr).to.equal(0);
        expect(JSON.parse(run.stdout), match).to.deep.equal([]);
      }
      const annotated = hunt([...inputs, "--format", "csv", "--match", "broad", "--mode", "annotate"]);
      expect(annotated.status, annotated.stderr).to.equal(0);
      const rows = parse(annotated.stdout, { columns: true }) as Array<{ [column: string]: string }>;
      const total = Object.keys(forms).reduce((sum, form) => sum + count(form), 0);
      expect(rows).to.have.length(total);
      expect(rows.filter((r) => r.pod_scan !== "0")).to.deep.equal([]);
    });
  }
});
