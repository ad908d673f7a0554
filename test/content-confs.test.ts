// macros.conf and app.conf as rendered, and the conf writer/reader they rely on.
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PyFloat, confValue, escuJson, renderStanza } from "../tools/conf-format.mjs";
import { confToMap, parseConf } from "../tools/conf-parse.mjs";
import { loadDetections, loadMacros } from "../tools/content.mjs";
import { buildNumber, renderAppConf } from "../tools/render-app-conf.mjs";
import { renderMacros } from "../tools/render-macros.mjs";
import { EVENT_FIELDS } from "../src/command/events";

const ROOT = path.resolve(__dirname, "..");
const PKG = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** The released macros.conf entries exactly as escu-detection.md quotes them. */
function escuReleasedMacros(): string {
  const md = readFileSync(path.resolve(ROOT, "..", "shared", "reference", "escu-detection.md"), "utf8");
  const m = /Released macros\.conf entries \(ESCU v5\.15\.2, verbatim\):\n```\n([\s\S]*?)\n```/.exec(md);
  if (!m) throw new Error("no released macros.conf quote in escu-detection.md");
  return m[1];
}

describe("content: macros.conf", () => {
  const rendered = renderMacros({ macros: loadMacros(ROOT), detections: loadDetections(ROOT), version: PKG.version });

  it("holds ESCU's released stanzas verbatim, in the same order", () => {
    const released = escuReleasedMacros();
    expect(released.split("\n\n")).to.have.length(3);
    expect(rendered.endsWith(released + "\n")).to.equal(true);
    expect(parseConf(rendered)).to.deep.equal(parseConf(released));
  });

  it("key by key: the data macro, the ctime macro with one argument, the derived filter macro", () => {
    expect(Object.fromEntries([...confToMap(rendered)].map(([k, v]) => [k, Object.fromEntries(v)]))).to.deep.equal({
      aws_cloudwatchlogs_eks: {
        definition: 'sourcetype="aws:cloudwatchlogs:eks"',
        description:
          "customer specific splunk configurations(eg- index, source, sourcetype). Replace the macro definition with configurations for your Splunk Environment.",
      },
      "security_content_ctime(1)": {
        args: "field",
        definition: 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)',
        description: "convert epoch time to string",
      },
      amazon_eks_kubernetes_pod_scan_detection_filter: {
        definition: "search *",
        description: "Update this macro to limit the output results to filter out false positives.",
      },
    });
  });

  it("names a macro with N arguments name(N) and lists them comma-separated", () => {
    const text = renderMacros({
      macros: [{ name: "pair", arguments: ["a", "b"], definition: "eval x=$a$+$b$", description: "d" }],
      detections: [],
      version: "9.9.9",
    });
    expect(text.slice(text.indexOf("["))).to.equal("[pair(2)]\nargs = a, b\ndefinition = eval x=$a$+$b$\ndescription = d\n");
  });
});

describe("content: app.conf", () => {
  it("is stamped from package.json: id, semver version everywhere, build derived from it, label", () => {
    const text = renderAppConf(PKG);
    const conf = confToMap(text);
    const plain = Object.fromEntries([...conf].map(([k, v]) => [k, Object.fromEntries(v)]));
    expect(plain).to.deep.equal({
      install: { build: String(buildNumber(PKG.version)), is_configured: "false", state: "enabled" },
      package: { id: "eks_pod_scan", check_for_updates: "false" },
      launcher: { author: "eks_pod_scan maintainers", description: PKG.description, version: PKG.version },
      id: { name: "eks_pod_scan", version: PKG.version },
      triggers: { "reload.eks_pod_scan": "simple" },
      ui: { is_visible: "true", label: "EKS Pod Scan" },
    });
  });

  it("build = major*10^6 + minor*10^3 + patch, and only plain MAJOR.MINOR.PATCH versions", () => {
    expect(buildNumber("1.0.0")).to.equal(1000000);
    expect(buildNumber("2.13.7")).to.equal(2013007);
    expect(buildNumber("0.0.1")).to.equal(1);
    expect(() => buildNumber("0.0.0")).to.throw(/no positive build number/);
    expect(() => buildNumber("1.0.0-rc.1")).to.throw(/MAJOR\.MINOR\.PATCH/);
    expect(() => buildNumber("1.0")).to.throw(/MAJOR\.MINOR\.PATCH/);
    expect(() => buildNumber("01.0.0")).to.throw(/MAJOR\.MINOR\.PATCH/);
    expect(() => buildNumber("1.1000.0")).to.throw(/below 1000/);
  });

  it("takes the author from package.json when it has one", () => {
    const conf = confToMap(renderAppConf({ ...PKG, author: { name: "A Person" } }));
    expect(conf.get("launcher")!.get("author")).to.equal("A Person");
  });
});

describe("content: JSON values as contentctl prints them (Jinja tojson)", () => {
  it("sorts keys at every level and uses ', ' and ': '", () => {
    expect(escuJson({ b: [1, { d: null, c: true }], a: "x" })).to.equal('{"a": "x", "b": [1, {"c": true, "d": null}]}');
    expect(escuJson([])).to.equal("[]");
    expect(escuJson({})).to.equal("{}");
  });
  it("escapes < > & ' as \\u003c \\u003e \\u0026 \\u0027, in keys too", () => {
    expect(escuJson({ "a<b": "ATT&CK 'x' >" })).to.equal('{"a\\u003cb": "ATT\\u0026CK \\u0027x\\u0027 \\u003e"}');
  });
  it("escapes non-ASCII and DEL per UTF-16 unit with lower-case hex, controls as JSON does", () => {
    expect(escuJson("é\u{1F600}\u007f\t\u0001\"\\")).to.equal('"\\u00e9\\ud83d\\ude00\\u007f\\t\\u0001\\"\\\\"');
  });
  it("prints floats as Python does and refuses JS non-integers", () => {
    expect(escuJson(new PyFloat(1586908800))).to.equal("1586908800.0");
    expect(escuJson(new PyFloat(1.5))).to.equal("1.5");
    expect(() => escuJson(1.5)).to.throw(/PyFloat/);
  });
});

describe("content: conf writer and reader", () => {
  it("strips a value and writes line breaks as backslash continuations", () => {
    expect(confValue("  a \nb\n c  ")).to.equal("a \\\nb\\\n c");
    expect(renderStanza("s", [["k", "x\ny"]])).to.equal("[s]\nk = x\\\ny\n");
  });
  it("refuses what it could not write back: carriage returns, backslash line ends, repeated keys, bad names", () => {
    expect(() => confValue("a\r\nb")).to.throw(/carriage return/);
    expect(() => confValue("a\\\nb")).to.throw(/backslash/);
    expect(() => confValue("a\\")).to.throw(/backslash/);
    expect(() => renderStanza("s", [["k", "1"], ["k", "2"]])).to.throw(/duplicate key k/);
    expect(() => renderStanza("a]b", [])).to.throw(/invalid stanza name/);
  });
  it("reads comments, global keys, stanzas and continuations; rejects junk and repeats", () => {
    const text = "# c\nglobal = 1\n[a]\nk = v \\\n  w\n  # an indented comment\n[b]\nx=y\n";
    expect(parseConf(text)).to.deep.equal([
      { name: "", entries: [["global", "1"]] },
      { name: "a", entries: [["k", "v \n  w"]] },
      { name: "b", entries: [["x", "y"]] },
    ]);
    expect(() => parseConf("[a]\njunk\n")).to.throw(/line 2/);
    expect(() => confToMap("[a]\n[a]\n")).to.throw(/appears twice/);
    expect(() => confToMap("[a]\nk=1\nk=2\n")).to.throw(/key k appears twice/);
  });
  it("round-trips any value it accepts (property)", () => {
    const value = fc
      .string({ unit: fc.constantFrom("a", " ", "\n", "\\", "=", "#", "[", "]", "é", "$") })
      .filter((s) => !/\\(\n|$)/.test(s.trim()));
    fc.assert(
      fc.property(value, (v) => {
        expect(parseConf(renderStanza("s", [["k", v]]))).to.deep.equal([{ name: "s", entries: [["k", v.trim()]] }]);
      }),
    );
  });
});

describe("content: searchbnf.conf", () => {
  it("example1 prunes to exactly EVENT_FIELDS and drops _raw before ekspodscan", () => {
    const bnf = confToMap(readFileSync(path.join(ROOT, "app", "default", "searchbnf.conf"), "utf8"));
    const example = bnf.get("ekspodscan-command")!.get("example1")!;
    const stages = example.split(" | ");
    const keep = stages.find((s) => s.startsWith("fields ") && !s.startsWith("fields - "))!;
    expect(keep.slice("fields ".length).split(" ").map((f) => f.replace(/^"(.*)"$/, "$1"))).to.deep.equal(EVENT_FIELDS);
    expect(stages.slice(-2)).to.deep.equal(["fields - _raw", "ekspodscan"]);
  });
});
