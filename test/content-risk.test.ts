// The rendered savedsearches.conf's risk actions against rows the command really produced: the
// Broad Rule's search is run (its ekspodscan arguments, map phase then reduce) and its `_risk`
// JSON and message are bound to the rows as ES's risk action binds them.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseConf } from "../tools/conf-parse.mjs";
import { loadDetections } from "../tools/content.mjs";
import { renderSavedSearches } from "../tools/render-savedsearches.mjs";
import { mapPhaseArgs, parseOptions } from "../src/command/options";
import { EVENT_FIELD_ORDER } from "./support/command-events";
import { replyBodies } from "./support/command-run";
import { FORGED, REMOTE, STREAMS, podList } from "./support/client-events";
import { Cell, Record, readTable, splunkdCsv, splunkdReserialise, Table } from "./support/command-streams";

const ROOT = path.resolve(__dirname, "..");
const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
const NAME = "Amazon EKS Kubernetes Pod scan detection";
const MAIN = `EKS Pod Scan - ${NAME} - Rule`;
const BROAD = `EKS Pod Scan - ${NAME} - Broad - Rule`;

const stanzas = new Map(parseConf(renderSavedSearches({ detections: loadDetections(ROOT), version: VERSION })).map((s) => [s.name, new Map(s.entries)]));

/** The arguments after `| ekspodscan` in a stanza's search. */
function commandArgs(stanza: string): string[] {
  const line = stanzas.get(stanza)!.get("search")!.split("\n").find((l) => l.startsWith("| ekspodscan"))!;
  return line.split(" ").slice(2);
}

/** The stanza's ekspodscan over the events as splunkd runs it: its map phase, then the reduce. */
async function run(stanza: string, records: Record[]): Promise<Table> {
  const args = commandArgs(stanza);
  const fields = EVENT_FIELD_ORDER.filter((f) => f !== "_raw" && f !== "host");
  const [partials] = await replyBodies(mapPhaseArgs(parseOptions(args)).split(" "), [[true, splunkdCsv(records, fields)]]);
  const [rows] = await replyBodies(args, [[true, partials === "" ? "" : splunkdReserialise([partials])]]);
  return readTable(rows);
}

interface RiskEvent {
  risk_object: string;
  risk_object_type: string;
  risk_score: number;
  threat_objects: string[];
  risk_message: string;
}

const valuesOf = (cell: Cell | undefined) => (cell === undefined ? [] : Array.isArray(cell) ? cell : cell === "" ? [] : [cell]);

/**
 * A model of ES's risk action: with action.risk = 1, each result row gives one risk event per value
 * of each risk object field, scored by the row's risk_score field when it holds a number (else by
 * the `_risk` JSON), with the row's threat object values and the message's $field$ tokens filled.
 * A field the rows lack fails the test instead of raising nothing.
 */
function riskEvents(stanza: string, table: Table): RiskEvent[] {
  const conf = stanzas.get(stanza)!;
  if (conf.get("action.risk") !== "1") return [];
  const entries: Array<{ [key: string]: string | number }> = JSON.parse(conf.get("action.risk.param._risk")!);
  const message = conf.get("action.risk.param._risk_message")!;
  const column = (field: string) => {
    const at = table.fields.indexOf(field);
    expect(at, `the rows have no ${field} column (columns: ${table.fields.join(", ")})`).to.be.at.least(0);
    return at;
  };
  const tokens = (message.match(/\$[^$]+\$/g) || []).map((t) => t.slice(1, -1));
  for (const field of tokens) column(field);
  const events: RiskEvent[] = [];
  for (const row of table.rows) {
    const cell = (field: string) => row[column(field)];
    const threats = entries.filter((e) => "threat_object_field" in e).flatMap((e) => valuesOf(cell(String(e.threat_object_field))));
    const text = message.replace(/\$([^$]+)\$/g, (_, field: string) => valuesOf(cell(field)).join(","));
    const rowScore = table.fields.includes("risk_score") ? Number(cell("risk_score")) : NaN;
    for (const e of entries.filter((x) => "risk_object_field" in x)) {
      for (const object of valuesOf(cell(String(e.risk_object_field)))) {
        events.push({
          risk_object: object,
          risk_object_type: String(e.risk_object_type),
          risk_score: Number.isFinite(rowScore) ? rowScore : Number(e.risk_score),
          threat_objects: threats,
          risk_message: text,
        });
      }
    }
  }
  return events;
}



describe("content: the risk actions bound to rows the command produced", () => {
  it("the Broad Rule's _risk fields and message tokens are columns of its rows, one value each", async () => {
    const table = await run(BROAD, [podList({}), podList({ "sourceIPs{}": "203.0.113.9", "user.groups{}": "", verb: "watch" })]);
    expect(table.rows).to.have.length(2);
    const entries: Array<{ [key: string]: string }> = JSON.parse(stanzas.get(BROAD)!.get("action.risk.param._risk")!);
    const fields = entries.map((e) => e.risk_object_field || e.threat_object_field);
    const tokens = stanzas.get(BROAD)!.get("action.risk.param._risk_message")!.match(/\$[^$]+\$/g)!.map((t) => t.slice(1, -1));
    expect(fields).to.deep.equal(["cluster", "src_ip"]);
    expect(tokens).to.deep.equal(["src_ip", "cluster", "count", "outcome"]);
    for (const field of fields.concat(tokens, ["risk_score"])) {
      for (const row of table.rows) expect(row[table.fields.indexOf(field)], field).to.be.a("string").and.not.equal("");
    }
  });

  it("a scanner hitting one cluster through 3 log streams: 1 Broad row, 1 risk event (the exact Rule: 3 rows, none)", async () => {
    const requests = STREAMS.map((source, i) => podList({ source, _time: String(1599171244 + i) }));
    const broad = await run(BROAD, requests);
    expect(broad.rows).to.have.length(1);
    expect(riskEvents(BROAD, broad)).to.deep.equal([
      {
        risk_object: "prod",
        risk_object_type: "system",
        risk_score: 25,
        threat_objects: [REMOTE],
        risk_message: `Anonymous client ${REMOTE} listed or watched the pods of EKS cluster prod 3 times (outcome denied)`,
      },
    ]);
    const exact = await run(MAIN, requests);
    expect(exact.rows).to.have.length(3);
    expect(riskEvents(MAIN, exact)).to.deep.equal([]);
  });

  it("one request with 50 forged X-Forwarded-For entries: 1 risk event, its only threat object the remote address", async () => {
    const request = podList({ "sourceIPs{}": FORGED.concat([REMOTE]) });
    const events = riskEvents(BROAD, await run(BROAD, [request]));
    expect(events.map((e) => [e.risk_object, e.threat_objects, e.risk_score])).to.deep.equal([["prod", [REMOTE], 25]]);
    expect((await run(MAIN, [request])).rows).to.have.length(51);
  });

  it("risk 75 when any request of the row was allowed, as a number the risk action reads", async () => {
    const allowed = podList({ "responseStatus.code": "200", "responseStatus.reason": "", "annotations.authorization.k8s.io/decision": "allow" });
    const events = riskEvents(BROAD, await run(BROAD, [podList({}), allowed]));
    expect(events.map((e) => [e.risk_score, e.risk_message])).to.deep.equal([
      [75, `Anonymous client ${REMOTE} listed or watched the pods of EKS cluster prod 2 times (outcome allowed)`],
    ]);
  });
});
