// default/app.conf, stamped from package.json so the version is written in one place only.
import { renderConf, renderStanza } from "./conf-format.mjs";

/** The app id: the package's top folder, [package] id and [id] name. */
export const APP_ID = "eks_pod_scan";
export const APP_LABEL = "EKS Pod Scan";

/**
 * `[install] build` must be a positive integer that changes with every release; deriving it from
 * the version (major * 10^6 + minor * 10^3 + patch) keeps it deterministic, unlike a timestamp.
 */
export function buildNumber(version) {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(version);
  if (!m) throw new Error(`package.json version must be MAJOR.MINOR.PATCH (no pre-release): ${version}`);
  const [major, minor, patch] = m.slice(1).map(Number);
  if (minor > 999 || patch > 999) throw new Error(`minor and patch must be below 1000: ${version}`);
  const build = major * 1000000 + minor * 1000 + patch;
  if (build < 1) throw new Error(`version ${version} gives no positive build number`);
  return build;
}

/**
 * @param {{ version: string, description: string, author?: string | { name: string } }} pkg package.json
 * @returns {string} the whole app.conf
 */
export function renderAppConf(pkg) {
  const author = typeof pkg.author === "string" ? pkg.author : (pkg.author && pkg.author.name) || "eks_pod_scan maintainers";
  if (pkg.description.length > 200) throw new Error("[launcher] description must be at most 200 characters");
  return renderConf(
    [`app.conf of the eks_pod_scan app, rendered by tools/render-app-conf.mjs from package.json.`],
    [
      renderStanza("install", [
        ["build", String(buildNumber(pkg.version))],
        ["is_configured", "false"],
        ["state", "enabled"],
      ]),
      // Not on Splunkbase: an update check would look up whatever app there has this id.
      renderStanza("package", [
        ["id", APP_ID],
        ["check_for_updates", "false"],
      ]),
      renderStanza("launcher", [
        ["author", author],
        ["description", pkg.description],
        ["version", pkg.version],
      ]),
      renderStanza("id", [
        ["name", APP_ID],
        ["version", pkg.version],
      ]),
      // eks_pod_scan.conf is read by bin/ekspodscan.py at each search, never by splunkd: a change
      // needs no restart (check_reload_trigger_for_all_custom_confs).
      renderStanza("triggers", [["reload.eks_pod_scan", "simple"]]),
      // Visible: the app opens on its dashboard (default/data/ui/views/eks_pod_scan_overview.xml).
      renderStanza("ui", [
        ["is_visible", "true"],
        ["label", APP_LABEL],
      ]),
    ],
  );
}
