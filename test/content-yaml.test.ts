// The detection and macro YAML, held to the seed (../shared/seed/ beside the repository).
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { dump, load } from "js-yaml";
import { filterMacroName, loadDetections, loadMacros } from "../tools/content.mjs";
import { CLIENT_COLUMNS } from "../src/detection/client-stats";

const ROOT = path.resolve(__dirname, "..");
const SEED = path.resolve(ROOT, "..", "shared", "seed", "amazon_eks_kubernetes_pod_scan_detection.md");
const DETECTION_FILE = path.join(ROOT, "detections", "amazon_eks_kubernetes_pod_scan_detection.yml");

function seedText(): string {
  return readFileSync(SEED, "utf8");
}

/** The fenced block under "#### Search", as written (trailing spaces kept, no final newline). */
function seedSpl(): string {
  const m = /#### Search\n\n```\n([\s\S]*?)\n```/.exec(seedText());
  if (!m) throw new Error("no Search block in the seed");
  return m[1];
}

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

function seedSection(title: string): string {
  const m = new RegExp(`#### ${title}\\n\\n?([^\\n]+)\\n`).exec(seedText());
  if (!m) throw new Error(`no ${title} section in the seed`);
  return decodeEntities(m[1]);
}

function seedBullets(title: string): string[] {
  const m = new RegExp(`#### ${title}\\n(?:[^*\\n][^\\n]*\\n)?((?:\\* [^\\n]*\\n)+)`).exec(seedText());
  if (!m) throw new Error(`no ${title} list in the seed`);
  return m[1].trim().split("\n").map((l) => l.slice(2));
}

describe("content: detection YAML", () => {
  const [detection] = loadDetections(ROOT);

  it("is the only detection and carries the seed's identity", () => {
    expect(loadDetections(ROOT)).to.have.length(1);
    expect(detection.name).to.equal("Amazon EKS Kubernetes Pod scan detection");
    expect(detection.id).to.equal("dbfca1dd-b8e5-4ba4-be0e-e565e5d62002");
    expect(seedText()).to.include(`- **ID**: ${detection.id}`);
    expect(seedText()).to.include(`*version*: **${detection.version}**`);
    expect(detection.version).to.equal(1);
    expect(seedText()).to.include(`- **Last Updated**: ${detection.modification_date}`);
    expect(detection.creation_date).to.equal("2020-04-15");
    expect(detection.modification_date).to.equal("2020-04-15");
    expect(detection.author).to.equal("Rod Soto, Splunk");
    expect(seedText()).to.include(`- **Author**: ${detection.author}`);
    expect(detection.status).to.equal("experimental");
    expect(detection.type).to.equal("Hunting");
    expect(detection.references).to.deep.equal([]);
    expect(detection.data_source).to.deep.equal([]);
  });

  it("has the seed's description and known false positives, character for character", () => {
    expect(detection.description).to.equal(seedSection("Description"));
    expect(detection.known_false_positives).to.equal(seedSection("Known False Positives"));
  });

  it("has the seed's tags: story, ATT&CK, kill chain, NIST, CIS, products, required fields, scores", () => {
    expect(detection.tags).to.deep.equal({
      analytic_story: ["Kubernetes Scanning Activity"],
      asset_type: "Amazon EKS Kubernetes cluster Pod",
      confidence: 50,
      impact: 50,
      risk_score: 25,
      kill_chain_phases: ["Exploitation"],
      mitre_attack_id: ["T1526"],
      nist: ["DE.AE"],
      cis20: ["CIS 10"],
      product: ["Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"],
      required_fields: seedBullets("Required fields"),
      security_domain: "threat",
    });
    expect(seedBullets("Associated Analytic Story")[0]).to.match(/^\[Kubernetes Scanning Activity\]/);
    expect(seedText()).to.include("| 25.0 | 50 | 50 | tbd |");
    expect(detection.tags.risk_score).to.equal((detection.tags.impact * detection.tags.confidence) / 100);
    expect(seedText()).to.include("[T1526](https://attack.mitre.org/techniques/T1526/)");
  });

  it("has an rba block in contentctl's current form that binds to the search's output fields", () => {
    expect(detection.rba).to.deep.equal({
      message: "Anonymous caller $src_ip$ listed the pods of EKS cluster $cluster_name$",
      risk_objects: [{ field: "cluster_name", type: "system", score: 25 }],
      threat_objects: [{ field: "src_ip", type: "ip_address" }],
    });
    // The seed's stats groups by src_ip and cluster_name, so both fields exist in every result row.
    expect(seedSpl()).to.include("by src_ip cluster_name user.username user.groups{}");
  });

  it("main search: the seed's base-search terms verbatim, the pruned fields, then ekspodscan", () => {
    expect(detection.search).to.equal(
      [
        '`aws_cloudwatchlogs_eks` "user.username"="system:anonymous" verb=list objectRef.resource=pods requestURI="/api/v1/pods"',
        '| fields _time user.username user.groups{} verb objectRef.resource requestURI source sourceIPs{} responseStatus.reason responseStatus.code userAgent "annotations.authorization.k8s.io/decision"',
        "| fields - _raw",
        "| ekspodscan",
        "| `security_content_ctime(lastTime)`",
        "| `security_content_ctime(firstTime)`",
        "| `amazon_eks_kubernetes_pod_scan_detection_filter`",
      ].join("\n"),
    );
  });

  it("SPL reference variant: the seed's search block byte for byte, trailing spaces included", () => {
    const reference = detection.variants!.find((v) => v.suffix === "SPL reference")!;
    expect(reference.search).to.equal(seedSpl());
    expect(reference.search.split("\n")).to.have.length(6);
    expect(reference.search.split("\n").every((l) => l.endsWith(" "))).to.equal(true);
  });

  it("broad variant: ekspodscan match=broad by=client enrich=true; the base search never filters on the URI or resource", () => {
    const broad = detection.variants!.find((v) => v.suffix === "Broad")!;
    expect(broad.search).to.equal(
      [
        '`aws_cloudwatchlogs_eks` ("user.username"="system:anonymous" OR "user.groups{}"="system:unauthenticated") (verb=list OR verb=watch)',
        '| fields _time user.username user.groups{} verb objectRef.resource requestURI source sourceIPs{} responseStatus.reason responseStatus.code userAgent "annotations.authorization.k8s.io/decision"',
        "| fields - _raw",
        "| ekspodscan match=broad by=client enrich=true",
        "| `security_content_ctime(lastTime)`",
        "| `security_content_ctime(firstTime)`",
        "| `amazon_eks_kubernetes_pod_scan_detection_filter`",
      ].join("\n"),
    );
    const base = broad.search.split("\n")[0];
    expect(base).to.not.match(/requestURI|objectRef/);
  });

  it("broad variant: an Anomaly with its own rba, bound to by=client's cluster and client address", () => {
    const broad = detection.variants!.find((v) => v.suffix === "Broad")!;
    expect(broad.type).to.equal("Anomaly");
    expect(broad.rba).to.deep.equal({
      message: "Anonymous client $src_ip$ listed or watched the pods of EKS cluster $cluster$ $count$ times (outcome $outcome$)",
      risk_objects: [{ field: "cluster", type: "system", score: 25 }],
      threat_objects: [{ field: "src_ip", type: "ip_address" }],
    });
    expect(CLIENT_COLUMNS.slice(0, 2)).to.deep.equal(["cluster", "src_ip"]);
    expect(detection.variants!.filter((v) => v.rba !== undefined).map((v) => v.suffix)).to.deep.equal(["Broad"]);
  });

  it("variants have distinct ids of their own", () => {
    const ids = [detection.id, ...detection.variants!.map((v) => v.id)];
    expect(new Set(ids).size).to.equal(3);
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("content: filter macro name, derived as contentctl does", () => {
  it("replaces space, dash, dot and slash with _ and lower-cases", () => {
    expect(filterMacroName("Amazon EKS Kubernetes Pod scan detection")).to.equal(
      "amazon_eks_kubernetes_pod_scan_detection_filter",
    );
    // ESCU's own example: "Okta Authentication Failed During MFA Challenge - DM"
    expect(filterMacroName("Okta Authentication Failed During MFA Challenge - DM")).to.equal(
      "okta_authentication_failed_during_mfa_challenge___dm_filter",
    );
    expect(filterMacroName("A.b/C-d e")).to.equal("a_b_c_d_e_filter");
  });

  it("is the filter macro the seed's search ends with", () => {
    expect(seedSpl()).to.match(/\| `amazon_eks_kubernetes_pod_scan_detection_filter` $/);
  });
});

describe("content: macro YAML", () => {
  it("aws_cloudwatchlogs_eks and security_content_ctime with ESCU's definitions", () => {
    expect(loadMacros(ROOT)).to.deep.equal([
      {
        name: "aws_cloudwatchlogs_eks",
        definition: 'sourcetype="aws:cloudwatchlogs:eks"',
        description:
          "customer specific splunk configurations(eg- index, source, sourcetype). Replace the macro definition with configurations for your Splunk Environment.",
      },
      {
        name: "security_content_ctime",
        arguments: ["field"],
        definition: 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)',
        description: "convert epoch time to string",
      },
    ]);
  });
});

describe("content: the loader rejects broken content", () => {
  let dir: string;
  const original = load(readFileSync(DETECTION_FILE, "utf8")) as Record<string, unknown>;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "eks-content-"));
    mkdirSync(path.join(dir, "detections"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function loadWith(change: (d: Record<string, any>) => void, file = "amazon_eks_kubernetes_pod_scan_detection.yml") {
    const d = JSON.parse(JSON.stringify(original));
    change(d);
    writeFileSync(path.join(dir, "detections", file), dump(d));
    return () => loadDetections(dir);
  }

  it("accepts the detection unchanged", () => {
    expect(loadWith(() => {})()).to.have.length(1);
  });
  it("a search without its filter macro", () => {
    expect(loadWith((d) => (d.search = "`aws_cloudwatchlogs_eks` | ekspodscan"))).to.throw(/must use `amazon_eks_kubernetes_pod_scan_detection_filter`/);
  });
  it("a variant search without the filter macro", () => {
    expect(loadWith((d) => (d.variants[1].search = "| ekspodscan"))).to.throw(/variant "Broad" search must use/);
  });
  it("a file name that is not derived from the detection name", () => {
    expect(loadWith(() => {}, "pod_scan.yml")).to.throw(/file name must be derived from the name/);
  });
  it("an rba message that does not name its risk object field", () => {
    expect(loadWith((d) => (d.rba.message = "tbd"))).to.throw(/does not use \$cluster_name\$/);
  });
  it("a variant rba message that does not name its risk object field", () => {
    expect(loadWith((d) => (d.variants[1].rba.message = "tbd"))).to.throw(/does not use \$cluster\$/);
  });
  it("a variant type outside ESCU's", () => {
    expect(loadWith((d) => (d.variants[1].type = "Rule"))).to.throw(/variant "Broad" type must be one of TTP, Anomaly, Hunting/);
  });
  it("a risk score outside 1..100", () => {
    expect(loadWith((d) => (d.rba.risk_objects[0].score = 0))).to.throw(/risk score out of 1\.\.100/);
  });
  it("a date that is not YYYY-MM-DD", () => {
    expect(loadWith((d) => (d.modification_date = "15/04/2020"))).to.throw(/modification_date must be YYYY-MM-DD/);
  });
});
