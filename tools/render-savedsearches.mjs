// default/savedsearches.conf: one stanza per detection and per variant, with the keys, key order
// and value format of ESCU's contentctl template (savedsearches_detections.j2). As in contentctl,
// only a stanza of type Anomaly or TTP gets the risk action from its `rba` block; a Hunting one
// keeps the figures in its annotations only.
import { PyFloat, escuJson, renderConf, renderStanza } from "./conf-format.mjs";

/**
 * Our stanza names are "<label> - <detection name>[ - <variant>] - Rule": the ES correlation
 * search form ESCU uses, with our own label instead of "ESCU" so that the two apps' stanzas never
 * share a name when both are installed.
 */
export const STANZA_LABEL = "EKS Pod Scan";

/** ES limits a correlation search's name to 99 characters. */
const MAX_STANZA_NAME = 99;

export function stanzaName(detection, variant) {
  const name = `${STANZA_LABEL} - ${detection.name}${variant ? ` - ${variant.suffix}` : ""} - Rule`;
  if (name.length > MAX_STANZA_NAME) throw new Error(`saved search name longer than ${MAX_STANZA_NAME}: ${name}`);
  return name;
}

/** The saved search names rendered for one detection: main first, then its variants in order. */
export function savedSearchNames(detection) {
  return [stanzaName(detection), ...(detection.variants || []).map((v) => stanzaName(detection, v))];
}

function statusAware(detection, text) {
  if (detection.status === "experimental") {
    return (
      "**WARNING**, this Detection is marked **EXPERIMENTAL**: no public attack dataset exists to " +
      "test it against, so review its results before acting on them. " +
      text
    );
  }
  if (detection.status === "deprecated") {
    return "**WARNING**, this Detection is **DEPRECATED** and will be removed in a future release. " + text;
  }
  return text;
}

/** `_risk` as contentctl builds it from an rba block: risk objects sorted, then threat objects. */
export function riskJson(rba) {
  const byJson = (a, b) => (escuJson(a) < escuJson(b) ? -1 : escuJson(a) > escuJson(b) ? 1 : 0);
  const risks = (rba.risk_objects || [])
    .map((r) => ({ risk_object_field: r.field, risk_object_type: r.type, risk_score: r.score }))
    .sort(byJson);
  const threats = (rba.threat_objects || [])
    .map((t) => ({ threat_object_field: t.field, threat_object_type: t.type }))
    .sort(byJson);
  return escuJson([...risks, ...threats]);
}

/**
 * contentctl's deployments enable RBA for these types only (escu_default_configuration_anomaly.yml
 * and _ttp.yml); Hunting searches have had no action.risk since security_content ff7005304 (2023).
 */
export const RISK_ACTION_TYPES = ["Anomaly", "TTP"];

/** A variant may be of another type than its detection (the Broad search is an Anomaly). */
export function stanzaType(detection, variant) {
  return (variant && variant.type) || detection.type;
}

function mappings(tags) {
  return {
    cis20: tags.cis20,
    kill_chain_phases: tags.kill_chain_phases,
    mitre_attack: tags.mitre_attack_id,
    nist: tags.nist,
  };
}

function publishTime(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new PyFloat(Date.UTC(y, m - 1, d) / 1000);
}

function stanzaEntries(detection, variant) {
  const tags = detection.tags;
  const name = stanzaName(detection, variant);
  const text = variant ? `${variant.description} ${detection.description}` : detection.description;
  const rba = (variant && variant.rba) || detection.rba;
  const type = stanzaType(detection, variant);
  const description = statusAware(detection, text);
  const risk = RISK_ACTION_TYPES.includes(type)
    ? [
        ["action.risk", "1"],
        ["action.risk.param._risk_message", rba.message],
        ["action.risk.param._risk", riskJson(rba)],
        ["action.risk.param._risk_score", "0"],
        ["action.risk.param.verbose", "0"],
      ]
    : [];
  return [
    ["action.escu", "0"],
    ["action.escu.enabled", "1"],
    ["description", description],
    ["action.escu.mappings", escuJson(mappings(tags))],
    ["action.escu.data_models", escuJson([])],
    ["action.escu.eli5", description],
    ["action.escu.how_to_implement", detection.how_to_implement],
    ["action.escu.known_false_positives", detection.known_false_positives],
    ["action.escu.creation_date", detection.creation_date],
    ["action.escu.modification_date", detection.modification_date],
    ["action.escu.confidence", "high"],
    ["action.escu.search_type", "detection"],
    ["action.escu.product", escuJson(tags.product)],
    ["action.escu.providing_technologies", "null"],
    ["action.escu.analytic_story", escuJson(tags.analytic_story)],
    ...risk,
    ["cron_schedule", "0 * * * *"],
    ["dispatch.earliest_time", "-70m@m"],
    ["dispatch.latest_time", "-10m@m"],
    ["action.correlationsearch.enabled", "1"],
    ["action.correlationsearch.detection_type", "ebd"],
    ["action.correlationsearch.label", name],
    [
      "action.correlationsearch.annotations",
      // confidence and impact as contentctl v4.4.2 wrote them, and the risk score they give
      // (50 * 50 / 100 = 25), so that a Hunting stanza still carries its RBA figures.
      escuJson({
        analytic_story: tags.analytic_story,
        confidence: tags.confidence,
        data_source: detection.data_source || [],
        impact: tags.impact,
        risk_score: tags.risk_score,
        type,
        type_list: [type],
        ...mappings(tags),
      }),
    ],
    [
      "action.correlationsearch.metadata",
      escuJson({
        deprecated: detection.status === "deprecated" ? "1" : "0",
        detection_id: variant ? variant.id : detection.id,
        detection_version: String(detection.version),
        publish_time: publishTime(detection.modification_date),
      }),
    ],
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
    ["search", variant ? variant.search : detection.search],
    ["action.notable.param.drilldown_searches", escuJson([])],
  ];
}

/**
 * @param {{ detections: object[], version: string }} content
 * @returns {string} the whole savedsearches.conf
 */
export function renderSavedSearches({ detections, version }) {
  const stanzas = [];
  for (const d of detections) {
    stanzas.push(renderStanza(stanzaName(d), stanzaEntries(d)));
    for (const v of d.variants || []) stanzas.push(renderStanza(stanzaName(d, v), stanzaEntries(d, v)));
  }
  return renderConf(
    [
      `savedsearches.conf of the eks_pod_scan app ${version}, rendered by tools/render-savedsearches.mjs`,
      "from detections/*.yml: edit those and rebuild. Keys and value formats follow Splunk ESCU;",
      `stanza names start with "${STANZA_LABEL} - " so they never collide with ESCU's "ESCU - ... - Rule".`,
      "Every search is disabled; enable it on the server (local/), not here.",
    ],
    stanzas,
  );
}
