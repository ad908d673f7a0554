// The rendered savedsearches.conf, checked stanza by stanza and key by key against the seed and
// against ESCU's rendering (../shared/reference/escu-example-savedsearches.conf).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseConf, type ConfStanza } from "../tools/conf-parse.mjs";
import { loadDetections } from "../tools/content.mjs";
import { renderSavedSearches, savedSearchNames } from "../tools/render-savedsearches.mjs";
import { DEFAULT_SAVED_SEARCH } from "../src/splunk/search";
import { EVENT_FIELDS } from "../src/command/events";

const ROOT = path.resolve(__dirname, "..");
const SHARED = path.resolve(ROOT, "..", "shared");
const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;

const NAME = "Amazon EKS Kubernetes Pod scan detection";
const MAIN = `EKS Pod Scan - ${NAME} - Rule`;
const REFERENCE = `EKS Pod Scan - ${NAME} - SPL reference - Rule`;
const BROAD = `EKS Pod Scan - ${NAME} - Broad - Rule`;

function seedSpl(): string {
  const seed = readFileSync(path.join(SHARED, "seed", "amazon_eks_kubernetes_pod_scan_detection.md"), "utf8");
  const m = /#### Search\n\n```\n([\s\S]*?)\n```/.exec(seed);
  if (!m) throw new Error("no Search block in the seed");
  return m[1];
}

function referenceStanzas(): ConfStanza[] {
  return parseConf(readFileSync(path.join(SHARED, "reference", "escu-example-savedsearches.conf"), "utf8"));
}

const rendered = renderSavedSearches({ detections: loadDetections(ROOT), version: VERSION });
const stanzas = parseConf(rendered);
const byName = new Map(stanzas.map((s) => [s.name, new Map(s.entries)]));

function get(stanza: string, key: string): string {
  const v = byName.get(stanza)?.get(key);
  if (v === undefined) throw new Error(`[${stanza}] has no ${key}`);
  return v;
}

// The exact Rule (and the SPL reference) is a Hunting search: its RBA figures are in the YAML and
// in its annotations, and it has no risk action. The Broad Rule, an Anomaly, carries the risk.
const BROAD_RISK = '[{"risk_object_field": "cluster", "risk_object_type": "system", "risk_score": 25}, {"threat_object_field": "src_ip", "threat_object_type": "ip_address"}]';
const BROAD_MESSAGE = "Anonymous client $src_ip$ listed or watched the pods of EKS cluster $cluster$ $count$ times (outcome $outcome$)";
const annotations = (type: string) =>
  '{"analytic_story": ["Kubernetes Scanning Activity"], "cis20": ["CIS 10"], "confidence": 50, "data_source": [], "impact": 50, ' +
  `"kill_chain_phases": ["Exploitation"], "mitre_attack": ["T1526"], "nist": ["DE.AE"], "risk_score": 25, "type": "${type}", "type_list": ["${type}"]}`;
const WARNING =
  "**WARNING**, this Detection is marked **EXPERIMENTAL**: no public attack dataset exists to test it against, so review its results before acting on them. ";

describe("content: savedsearches.conf", () => {
  const [detection] = loadDetections(ROOT);

  it("has exactly the three stanzas, main first, named apart from ESCU's", () => {
    expect(stanzas.map((s) => s.name)).to.deep.equal([MAIN, REFERENCE, BROAD]);
    expect(savedSearchNames(detection)).to.deep.equal([MAIN, REFERENCE, BROAD]);
    const escuNames = new Set(referenceStanzas().map((s) => s.name));
    for (const s of stanzas) {
      expect(escuNames.has(s.name), s.name).to.equal(false);
      expect(s.name.startsWith("ESCU - ")).to.equal(false);
      expect(s.name.length).to.be.at.most(99);
    }
  });

  it("the CLI's default saved search (src/splunk/search.ts) is the main stanza the app ships", () => {
    expect(DEFAULT_SAVED_SEARCH).to.equal(MAIN);
  });

  it("keys in ESCU's order (contentctl HEAD stanzas): the Hunting ones without action.risk, the Broad Anomaly with it", () => {
    const reference = referenceStanzas();
    const escu = reference.filter((s) => s.name === "ESCU - Amazon EKS Kubernetes Pod scan detection - Rule")[1];
    const escuRba = reference.find((s) => s.name === "ESCU - Anomalous usage of 7zip - Rule")!;
    const escuKeys = escu.entries.map(([k]) => k);
    const rbaKeys = escuRba.entries.map(([k]) => k);
    // contentctl's RBA-enabled stanza is the Hunting one plus the action.risk keys.
    expect(rbaKeys.filter((k) => !k.startsWith("action.risk"))).to.deep.equal(escuKeys);
    expect(byName.get(MAIN)!.has("action.risk")).to.equal(false);
    for (const name of [MAIN, REFERENCE]) expect([...byName.get(name)!.keys()], name).to.deep.equal(escuKeys);
    expect([...byName.get(BROAD)!.keys()]).to.deep.equal(rbaKeys);
  });

  it("fixed ESCU values on every stanza: disabled, invisible, hourly over -70m@m..-10m@m, schedule_window auto", () => {
    const fixed: [string, string][] = [
      ["action.escu", "0"],
      ["action.escu.enabled", "1"],
      ["action.escu.data_models", "[]"],
      ["action.escu.confidence", "high"],
      ["action.escu.search_type", "detection"],
      ["action.escu.providing_technologies", "null"],
      ["cron_schedule", "0 * * * *"],
      ["dispatch.earliest_time", "-70m@m"],
      ["dispatch.latest_time", "-10m@m"],
      ["action.correlationsearch.enabled", "1"],
      ["action.correlationsearch.detection_type", "ebd"],
      ["schedule_window", "auto"],
      ["alert.digest_mode", "1"],
      ["disabled", "true"],
      ["enableSched", "1"],
      ["allow_skew", "100%"],
      ["counttype", "number of events"],
      ["relation", "greater than"],
      ["quantity", "0"],
      ["realtime_schedule", "0"],
      ["is_visible", "false"],
      ["action.notable.param.drilldown_searches", "[]"],
    ];
    for (const name of [MAIN, REFERENCE, BROAD]) {
      for (const [k, v] of fixed) expect(get(name, k), `${name} ${k}`).to.equal(v);
      expect(get(name, "action.correlationsearch.label")).to.equal(name);
    }
  });

  it("mappings, products and story equal ESCU's rendering; annotations carry confidence and impact as contentctl v4.4.2 did", () => {
    const [v442, head] = referenceStanzas()
      .filter((s) => s.name === "ESCU - Amazon EKS Kubernetes Pod scan detection - Rule")
      .map((s) => new Map(s.entries));
    for (const name of [MAIN, REFERENCE, BROAD]) {
      for (const key of ["action.escu.mappings", "action.escu.product", "action.escu.analytic_story", "action.escu.known_false_positives"]) {
        expect(get(name, key), `${name} ${key}`).to.equal(head.get(key));
      }
      expect(get(name, "action.escu.mappings")).to.equal(
        '{"cis20": ["CIS 10"], "kill_chain_phases": ["Exploitation"], "mitre_attack": ["T1526"], "nist": ["DE.AE"]}',
      );
    }
    expect(get(MAIN, "action.correlationsearch.annotations")).to.equal(annotations("Hunting"));
    expect(get(REFERENCE, "action.correlationsearch.annotations")).to.equal(annotations("Hunting"));
    expect(get(BROAD, "action.correlationsearch.annotations")).to.equal(annotations("Anomaly"));
    // v4.4.2's annotations for this detection, plus the risk score those figures give (50 * 50 / 100).
    const escuAnnotations = JSON.parse(v442.get("action.correlationsearch.annotations")!);
    expect(JSON.parse(annotations("Hunting"))).to.deep.equal({ ...escuAnnotations, risk_score: 25 });
  });

  it("metadata JSON: own detection id per stanza, version as a string, publish_time as a float", () => {
    const meta = (id: string) =>
      `{"deprecated": "0", "detection_id": "${id}", "detection_version": "1", "publish_time": 1586908800.0}`;
    expect(get(MAIN, "action.correlationsearch.metadata")).to.equal(meta("dbfca1dd-b8e5-4ba4-be0e-e565e5d62002"));
    expect(get(REFERENCE, "action.correlationsearch.metadata")).to.equal(meta("49348648-4400-4486-8681-76c4c1ed6324"));
    expect(get(BROAD, "action.correlationsearch.metadata")).to.equal(meta("ea2f13de-a03d-4365-aed8-172fae4c02fc"));
    expect(Date.UTC(2020, 3, 15) / 1000).to.equal(1586908800);
  });

  it("RBA: no risk action on the Hunting stanzas; on Broad, risk object cluster, threat object src_ip, a message, score 0, verbose 0", () => {
    for (const name of [MAIN, REFERENCE]) {
      expect([...byName.get(name)!.keys()].filter((k) => k.startsWith("action.risk")), name).to.deep.equal([]);
    }
    expect(get(BROAD, "action.risk")).to.equal("1");
    expect(get(BROAD, "action.risk.param._risk")).to.equal(BROAD_RISK);
    expect(get(BROAD, "action.risk.param._risk_message")).to.equal(BROAD_MESSAGE);
    expect(get(BROAD, "action.risk.param._risk_score")).to.equal("0");
    expect(get(BROAD, "action.risk.param.verbose")).to.equal("0");
    expect(JSON.parse(BROAD_RISK)).to.deep.equal([
      { risk_object_field: "cluster", risk_object_type: "system", risk_score: 25 },
      { threat_object_field: "src_ip", threat_object_type: "ip_address" },
    ]);
    // The exact Rule's figures stay in the YAML.
    expect(detection.rba.risk_objects).to.deep.equal([{ field: "cluster_name", type: "system", score: 25 }]);
    expect([detection.tags.impact, detection.tags.confidence, detection.tags.risk_score]).to.deep.equal([50, 50, 25]);
  });

  it("SPL reference stanza: its search equals the seed's SPL, line breaks and inner trailing spaces kept", () => {
    // A conf value cannot end in whitespace, so only the block's very last space is gone.
    expect(get(REFERENCE, "search")).to.equal(seedSpl().trimEnd());
    expect(seedSpl().endsWith("`amazon_eks_kubernetes_pod_scan_detection_filter` ")).to.equal(true);
    expect(rendered).to.include(
      'search = `aws_cloudwatchlogs_eks` "user.username"="system:anonymous" verb=list objectRef.resource=pods requestURI="/api/v1/pods" \\\n| rename source as cluster_name sourceIPs{} as src_ip \\\n',
    );
  });

  // The map phase declares no required_fields (see src/command/ekspodscan.ts), so the saved
  // searches prune: exactly the fields the command reads, and _raw dropped (fields keeps it otherwise).
  const PRUNE =
    '| fields _time user.username user.groups{} verb objectRef.resource requestURI source sourceIPs{} responseStatus.reason responseStatus.code userAgent "annotations.authorization.k8s.io/decision"\n| fields - _raw';

  it("main stanza: the seed's base search verbatim, pruned to the command's fields, then ekspodscan", () => {
    expect(get(MAIN, "search")).to.equal(
      '`aws_cloudwatchlogs_eks` "user.username"="system:anonymous" verb=list objectRef.resource=pods requestURI="/api/v1/pods"\n' +
        PRUNE +
        "\n| ekspodscan\n| `security_content_ctime(lastTime)`\n| `security_content_ctime(firstTime)`\n| `amazon_eks_kubernetes_pod_scan_detection_filter`",
    );
    // Every literal term of the seed's base search is kept, as the seed writes it.
    expect(get(MAIN, "search").split("\n")[0]).to.equal(seedSpl().split("\n")[0].trimEnd());
    // Every pipeline stage after the seed's stats is the seed's own.
    const seedTail = seedSpl().split("\n").slice(3).map((l) => l.trimEnd());
    expect(get(MAIN, "search").split("\n").slice(4)).to.deep.equal(seedTail);
  });

  it("broad stanza: the terms every broad match shares (user or group, verb), pruned, then ekspodscan match=broad by=client enrich=true", () => {
    expect(get(BROAD, "search")).to.equal(
      '`aws_cloudwatchlogs_eks` ("user.username"="system:anonymous" OR "user.groups{}"="system:unauthenticated") (verb=list OR verb=watch)\n' +
        PRUNE +
        "\n| ekspodscan match=broad by=client enrich=true\n| `security_content_ctime(lastTime)`\n| `security_content_ctime(firstTime)`\n| `amazon_eks_kubernetes_pod_scan_detection_filter`",
    );
  });

  it("the pruned field list of every ekspodscan search is EVENT_FIELDS, in order, and nothing else", () => {
    for (const name of [MAIN, BROAD]) {
      const lines = get(name, "search").split("\n");
      const keep = lines.find((l) => l.startsWith("| fields ") && !l.startsWith("| fields - "));
      expect(keep, name).to.be.a("string");
      const fields = (keep as string).slice("| fields ".length).split(" ").map((f) => f.replace(/^"(.*)"$/, "$1"));
      expect(fields, name).to.deep.equal(EVENT_FIELDS);
      expect(lines, name).to.include("| fields - _raw");
      expect(lines.indexOf("| fields - _raw"), name).to.be.below(lines.findIndex((l) => l.startsWith("| ekspodscan")));
    }
  });

  it("descriptions: the experimental warning, the variant's purpose, then the detection's description", () => {
    expect(get(MAIN, "description")).to.equal(WARNING + detection.description);
    expect(get(MAIN, "action.escu.eli5")).to.equal(get(MAIN, "description"));
    expect(get(REFERENCE, "description")).to.equal(
      WARNING + detection.variants![0].description + " " + detection.description,
    );
    expect(get(BROAD, "description")).to.equal(WARNING + detection.variants![1].description + " " + detection.description);
    for (const name of [MAIN, REFERENCE, BROAD]) {
      expect(get(name, "action.escu.how_to_implement")).to.equal(detection.how_to_implement);
      expect(get(name, "action.escu.creation_date")).to.equal("2020-04-15");
      expect(get(name, "action.escu.modification_date")).to.equal("2020-04-15");
    }
  });

  it("is deterministic: no dates or times in the text, the same bytes on every render", () => {
    expect(renderSavedSearches({ detections: loadDetections(ROOT), version: VERSION })).to.equal(rendered);
    expect(rendered).to.not.match(/On Date|\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(rendered.startsWith(`# savedsearches.conf of the eks_pod_scan app ${VERSION}, rendered`)).to.equal(true);
    expect(rendered.endsWith("action.notable.param.drilldown_searches = []\n")).to.equal(true);
    expect(rendered).to.not.include("\r");
  });
});
