/**
 * Base-search terms cannot be benched without a splunkd, so this counts how many events of the
 * built-in sample each saved search's base search lets through, evaluated as Splunk evaluates
 * `field=value` terms (whole value, case-insensitive, any value of a multivalue, OR binding
 * tighter than the implied AND), and checks that none drops an event its ekspodscan matches.
 */
import { expect } from "chai";
import path from "node:path";
import { loadDetections } from "../tools/content.mjs";
import { SPLUNK_FIELD, auditEvent } from "../src/detection/event";
import { matchesBroad, matchesExact } from "../src/detection/match";
import { FieldMap, FieldSelection } from "../src/ingest/flatten";
import { IndexedEvent } from "../src/ingest/event";
import { readEvents } from "../src/ingest/reader";
import { InputReport } from "../src/ingest/report";

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = path.join(ROOT, "samples", "eks-audit-sample.jsonl.gz");

type Predicate = (fields: FieldMap) => boolean;

/** The base search (the first line, its leading macro left out) as a predicate. */
function baseSearch(search: string): Predicate {
  const line = search.split("\n")[0].replace(/^`aws_cloudwatchlogs_eks`\s*/, "");
  const tokens = line.match(/\(|\)|"[^"]*"(?:=(?:"[^"]*"|[^\s()]+))?|[^\s()"=]+=(?:"[^"]*"|[^\s()]+)|\S+/g) || [];
  let at = 0;
  const unquote = (text: string) => text.replace(/^"(.*)"$/, "$1");
  const term = (): Predicate => {
    const token = tokens[at++];
    if (token === "(") {
      const inner = and();
      if (tokens[at++] !== ")") throw new Error(`unbalanced parentheses in ${line}`);
      return inner;
    }
    const eq = token.lastIndexOf("=");
    if (eq < 0 || /[*]/.test(token)) throw new Error(`not a field=value term: ${token}`);
    const name = unquote(token.slice(0, eq));
    const value = unquote(token.slice(eq + 1)).toLowerCase();
    return (fields) => (fields.get(name) || []).some((v) => v.toLowerCase() === value);
  };
  const or = (): Predicate => {
    const parts = [term()];
    while (tokens[at] === "OR") {
      at++;
      parts.push(term());
    }
    return (fields) => parts.some((p) => p(fields));
  };
  const and = (): Predicate => {
    const parts: Predicate[] = [];
    while (at < tokens.length && tokens[at] !== ")") parts.push(or());
    return (fields) => parts.every((p) => p(fields));
  };
  const predicate = and();
  if (at !== tokens.length) throw new Error(`unread tokens in ${line}`);
  return predicate;
}

async function sampleEvents(): Promise<IndexedEvent[]> {
  const report = new InputReport({ write: () => undefined, isTTY: false, now: () => 0 }, 1000);
  const events: IndexedEvent[] = [];
  for await (const batch of readEvents([SAMPLE], { region: "us-east-1", selection: FieldSelection.all() }, report)) events.push(...batch);
  report.finish();
  return events;
}

/** The event as the command reads it: source from the index, every other field from the JSON. */
function fieldsOf(event: IndexedEvent): FieldMap {
  const fields = new Map(event.fields);
  fields.set("source", [event.source]);
  fields.set("_time", [event.time]);
  return fields;
}

function commandSees(fields: FieldMap) {
  const present: { [key: string]: string | string[] } = {};
  for (const [key, name] of Object.entries(SPLUNK_FIELD)) {
    const values = fields.get(name);
    if (values !== undefined) present[key] = values.length === 1 ? values[0] : values;
  }
  return auditEvent(present);
}

describe("content: what each base search lets through, on the built-in sample", () => {
  const detection = loadDetections(ROOT)[0];
  const broad = detection.variants!.find((v) => v.suffix === "Broad")!;
  let events: FieldMap[] = [];

  before(async () => {
    events = (await sampleEvents()).map(fieldsOf);
  });

  it("the Rule's base search lets through exactly the events ekspodscan's exact match keeps", () => {
    const passes = baseSearch(detection.search);
    const through = events.filter(passes);
    const matched = events.filter((e) => matchesExact(commandSees(e)));
    expect([events.length, through.length, matched.length]).to.deep.equal([SAMPLE_EVENTS, EXACT_THROUGH, EXACT_THROUGH]);
    expect(matched.every(passes), "no match dropped").to.equal(true);
    expect(events.filter(baseSearch(OLD_RULE_BASE)).length, "the old base search").to.equal(OLD_RULE_THROUGH);
  });

  it("the Broad base search drops no broad match, and lets through fewer events than there are", () => {
    const passes = baseSearch(broad.search);
    const through = events.filter(passes);
    const matched = events.filter((e) => matchesBroad(commandSees(e)));
    expect([through.length, matched.length]).to.deep.equal([BROAD_THROUGH, BROAD_MATCHED]);
    expect(matched.every(passes), "no match dropped").to.equal(true);
  });

  it("reads the searches' terms as Splunk does: OR inside parentheses, AND between terms", () => {
    const p = baseSearch('`aws_cloudwatchlogs_eks` ("a"="x" OR b=y) c="Z"');
    const f = (entries: Array<[string, string[]]>) => new Map(entries);
    expect([f([["a", ["X"]], ["c", ["z"]]]), f([["b", ["q", "y"]], ["c", ["z"]]]), f([["a", ["x"]]]), f([["c", ["z"]]])].map(p)).to.deep.equal([true, true, false, false]);
  });
});

// Counted on samples/eks-audit-sample.jsonl.gz (scripts/ regenerate it deterministically).
const SAMPLE_EVENTS = 3222;
const EXACT_THROUGH = 51;
const BROAD_THROUGH = 71;
const BROAD_MATCHED = 63;
// The Rule's base search before the seed's verb and requestURI terms were put back.
const OLD_RULE_BASE = '`aws_cloudwatchlogs_eks` "user.username"="system:anonymous" objectRef.resource=pods';
const OLD_RULE_THROUGH = 63;
