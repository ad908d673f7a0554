// The app's Dashboard Studio view: its XML envelope, its JSON definition, and every search in it
// lexed with the project's SPL lexer: built from the app's macros and ekspodscan, with no copy of
// the detection's field tests.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadMacros } from "../tools/content.mjs";
import { tokenizeSpl } from "./support/splunk-spl-tokens";

const ROOT = path.resolve(__dirname, "..");
const VIEW = path.join(ROOT, "app", "default", "data", "ui", "views", "eks_pod_scan_overview.xml");
const NAV = path.join(ROOT, "app", "default", "data", "ui", "nav", "default.xml");

interface DataSource {
  type: string;
  options: { query: string; extend?: string };
}
interface Definition {
  title: string;
  inputs: { [id: string]: { type: string; options: { token: string } } };
  dataSources: { [id: string]: DataSource };
  visualizations: { [id: string]: { type: string; dataSources?: { primary: string }; eventHandlers?: Array<{ type: string; options: { query: string } }> } };
  layout: { globalInputs: string[]; structure: Array<{ item: string }> };
}

function definition(): Definition {
  const xml = readFileSync(VIEW, "utf8");
  const m = /^<dashboard version="2" theme="light">\n  <label>[^<]+<\/label>\n  <description>[^<]+<\/description>\n  <definition><!\[CDATA\[([\s\S]*?)\]\]><\/definition>\n<\/dashboard>\n$/.exec(xml);
  if (!m) throw new Error("the view is not one Dashboard Studio envelope");
  return JSON.parse(m[1]) as Definition;
}

/** Every search of the view: data sources (a chain with its base before it) and drilldowns. */
function searches(def: Definition): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  for (const [id, ds] of Object.entries(def.dataSources)) {
    const base = ds.type === "ds.chain" ? def.dataSources[ds.options.extend as string].options.query + "\n" : "";
    out.push({ where: id, text: base + ds.options.query });
  }
  for (const [id, viz] of Object.entries(def.visualizations)) {
    for (const handler of viz.eventHandlers || []) if (handler.type === "drilldown.linkToSearch") out.push({ where: `${id} drilldown`, text: handler.options.query });
  }
  return out;
}

describe("content: the dashboard (Dashboard Studio)", () => {
  it("is the app's default view in its nav", () => {
    expect(existsSync(VIEW)).to.equal(true);
    const nav = readFileSync(NAV, "utf8");
    expect(nav).to.match(/<view name="eks_pod_scan_overview" default="true" \/>/);
  });

  it("has a time picker and a cluster filter, both global inputs", () => {
    const def = definition();
    const tokens = Object.values(def.inputs).map((i) => `${i.type}:${i.options.token}`).sort();
    expect(tokens).to.deep.equal(["input.dropdown:cluster", "input.timerange:global_time"]);
    expect(def.layout.globalInputs.sort()).to.deep.equal(Object.keys(def.inputs).sort());
  });

  it("lays out the four panels, each on a data source that exists", () => {
    const def = definition();
    expect(def.layout.structure.map((s) => s.item)).to.deep.equal(["viz_over_time", "viz_top_clients", "viz_clusters", "viz_broad_rows"]);
    for (const viz of Object.values(def.visualizations)) expect(def.dataSources).to.have.property(viz.dataSources!.primary);
    const drill = def.visualizations.viz_broad_rows.eventHandlers!;
    expect(drill.map((h) => h.type)).to.deep.equal(["drilldown.linkToSearch"]);
  });

  it("every search lexes, starts from the app's macros, runs ekspodscan, and copies no detection test", () => {
    const def = definition();
    const macros = new Set(loadMacros(ROOT).map((m: { name: string; arguments?: string[] }) => (m.arguments ? `${m.name}(${m.arguments.length})` : m.name)));
    macros.add("amazon_eks_kubernetes_pod_scan_detection_filter");
    const all = searches(def);
    expect(all).to.have.length(7); // six data sources and the drilldown
    for (const { where, text } of all) {
      const tokens = tokenizeSpl(text); // throws on an unterminated string or field name
      const code = tokens.filter((t) => t.kind === "code").map((t) => t.raw).join(" ");
      expect(code.trimStart().startsWith("`aws_cloudwatchlogs_eks`"), where).to.equal(true);
      expect(code, where).to.match(/\| ekspodscan( |$)/m);
      for (const m of code.matchAll(/`([^`]+)`/g)) {
        const name = m[1].includes("(") ? `${m[1].slice(0, m[1].indexOf("("))}(${m[1].split(",").length})` : m[1];
        expect(macros.has(name), `${where}: macro ${m[1]}`).to.equal(true);
      }
      // The detection's own tests live in ekspodscan: no search names the URI, resource or user.
      for (const literal of ["/api/v1/pods", "requestURI=", "objectRef.resource", "system:anonymous", "verb="]) {
        expect(text.includes(literal), `${where} copies ${literal}`).to.equal(false);
      }
      // A token from a clicked row or an input goes in quoted (|s), never as bare SPL.
      for (const m of text.matchAll(/\$([^$\s]+)\$/g)) {
        if (m[1].startsWith("row.") || m[1] === "cluster") expect(m[1].endsWith("|s"), `${where}: $${m[1]}$`).to.equal(true);
      }
    }
  });
});
