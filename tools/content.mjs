// Loads the detection content (detections/*.yml, macros/*.yml) with js-yaml and checks the parts
// the renderers rely on, so a typo fails the build instead of shipping a broken stanza.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { load } from "js-yaml";

/** contentctl's filter macro name: the detection name with " ", "-", ".", "/" as "_", lower-cased. */
export function filterMacroName(detectionName) {
  return detectionName.replace(/[ \-./]/g, "_").toLowerCase() + "_filter";
}

function yamlFiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yml") && !f.startsWith("."))
    .sort()
    .map((f) => path.join(dir, f));
}

function fail(file, message) {
  throw new Error(`${file}: ${message}`);
}

function requireString(file, obj, key) {
  if (typeof obj[key] !== "string" || obj[key].trim() === "") fail(file, `${key} must be a non-empty string`);
}

function requireStringList(file, obj, key) {
  const v = obj[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) fail(file, `${key} must be a list of strings`);
}

function checkSearch(file, search, filterMacro, what) {
  if (typeof search !== "string" || search.trim() === "") fail(file, `${what} search must be a string`);
  // contentctl rejects a detection whose search does not end in its own filter macro.
  if (!search.includes("`" + filterMacro + "`")) fail(file, `${what} search must use \`${filterMacro}\``);
}

function checkRba(file, rba) {
  if (!rba || typeof rba !== "object") fail(file, "rba block missing");
  requireString(file, rba, "message");
  for (const r of rba.risk_objects || []) {
    if (typeof r.field !== "string" || !["user", "system", "other"].includes(r.type)) {
      fail(file, `bad risk object ${JSON.stringify(r)}`);
    }
    if (!Number.isInteger(r.score) || r.score < 1 || r.score > 100) fail(file, `risk score out of 1..100: ${r.score}`);
    if (!rba.message.includes("$" + r.field + "$")) fail(file, `rba message does not use $${r.field}$`);
  }
  for (const t of rba.threat_objects || []) {
    if (typeof t.field !== "string" || typeof t.type !== "string") fail(file, `bad threat object ${JSON.stringify(t)}`);
  }
  if (!(rba.risk_objects || []).length) fail(file, "rba needs at least one risk object");
}

/** The detection types of ESCU's schema. */
const TYPES = ["TTP", "Anomaly", "Hunting", "Correlation", "Baseline"];

function checkDetection(file, d) {
  for (const key of ["name", "id", "creation_date", "modification_date", "author", "status", "type"]) {
    requireString(file, d, key);
  }
  for (const key of ["description", "how_to_implement", "known_false_positives"]) requireString(file, d, key);
  if (!Number.isInteger(d.version) || d.version < 1) fail(file, "version must be a positive integer");
  for (const key of ["creation_date", "modification_date"]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d[key])) fail(file, `${key} must be YYYY-MM-DD`);
  }
  if (!TYPES.includes(d.type)) fail(file, `type must be one of ${TYPES.join(", ")}`);
  const stem = path.basename(file, ".yml");
  const filterMacro = filterMacroName(d.name);
  if (filterMacro !== stem + "_filter") fail(file, `file name must be derived from the name (${filterMacro})`);
  checkSearch(file, d.search, filterMacro, "the");
  checkRba(file, d.rba);
  const t = d.tags;
  if (!t || typeof t !== "object") fail(file, "tags missing");
  for (const key of ["analytic_story", "mitre_attack_id", "kill_chain_phases", "nist", "cis20", "product"]) {
    requireStringList(file, t, key);
  }
  for (const v of d.variants || []) {
    requireString(file, v, "suffix");
    requireString(file, v, "id");
    requireString(file, v, "description");
    checkSearch(file, v.search, filterMacro, `variant "${v.suffix}"`);
    if (v.type !== undefined && !TYPES.includes(v.type)) fail(file, `variant "${v.suffix}" type must be one of ${TYPES.join(", ")}`);
    if (v.rba !== undefined) checkRba(file, v.rba);
  }
  return d;
}

function checkMacro(file, m) {
  requireString(file, m, "name");
  requireString(file, m, "definition");
  requireString(file, m, "description");
  if (m.arguments !== undefined) requireStringList(file, m, "arguments");
  if (path.basename(file, ".yml") !== m.name) fail(file, "file name must be the macro name");
  return m;
}

/** Detections from `<root>/detections/*.yml`, in file-name order. */
export function loadDetections(root) {
  return yamlFiles(path.join(root, "detections")).map((f) => checkDetection(f, load(readFileSync(f, "utf8"))));
}

/** Macros from `<root>/macros/*.yml`, in file-name order. */
export function loadMacros(root) {
  return yamlFiles(path.join(root, "macros")).map((f) => checkMacro(f, load(readFileSync(f, "utf8"))));
}
