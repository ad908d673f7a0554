// default/macros.conf: the macros from macros/*.yml, then one filter macro per detection, derived
// from its name as contentctl does. Stanza layout follows contentctl's macros template.
import { renderConf, renderStanza } from "./conf-format.mjs";
import { filterMacroName } from "./content.mjs";

/** Text ESCU gives every generated filter macro (kept identical so both apps agree). */
export const FILTER_MACRO_DESCRIPTION = "Update this macro to limit the output results to filter out false positives.";

function macroStanza(macro) {
  const args = macro.arguments || [];
  const name = args.length ? `${macro.name}(${args.length})` : macro.name;
  const entries = [];
  if (args.length) entries.push(["args", args.join(", ")]);
  entries.push(["definition", macro.definition], ["description", macro.description]);
  return renderStanza(name, entries);
}

/**
 * @param {{ macros: object[], detections: object[], version: string }} content
 * @returns {string} the whole macros.conf
 */
export function renderMacros({ macros, detections, version }) {
  const filters = detections
    .map((d) => ({ name: filterMacroName(d.name), definition: "search *", description: FILTER_MACRO_DESCRIPTION }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sorted = [...macros].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return renderConf(
    [
      `macros.conf of the eks_pod_scan app ${version}, rendered by tools/render-macros.mjs from`,
      "macros/*.yml and detections/*.yml: edit those and rebuild. Names and default definitions",
      "are ESCU's, so this app and ESCU can be installed side by side. Tune a filter macro in this",
      "app (local/macros.conf on the server), not here.",
    ],
    [...sorted, ...filters].map(macroStanza),
  );
}
