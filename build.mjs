// Build: bundle the search command (node 8.17-compatible, one file), bundle the CLI, render the
// detection content into the staged app, and pack a reproducible tarball.
//   node build.mjs            everything
//   node build.mjs --bundle   only app/bin/ekspodscan.js and the CLI (fast, for development)
//   node build.mjs --with-node linux-x64[,windows-x64,...]
//                             also the packages that bundle Node.js for those platforms
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

export const COMMAND_BUNDLE = path.join(root, "app", "bin", "ekspodscan.js");
export const CLI_BUNDLE = path.join(root, "dist", "cli", "eks-pod-scan.js");
export const DECODE_WORKER_BUNDLE = path.join(root, "dist", "cli", "decode-worker.js");

/** One CommonJS file for node from `entry` (a path under src/), with the options that set it apart. */
function bundle(entry, outfile, options) {
  return build({ entryPoints: [path.join(root, "src", ...entry.split("/"))], outfile, bundle: true, platform: "node", format: "cjs", logLevel: "warning", ...options });
}

/**
 * The search command: one CommonJS file with no runtime dependencies, for node >= 8.17. Not
 * minified, so a vetting reviewer reads the code that runs; bin/ekspodscan.py starts it.
 */
export async function bundleCommand() {
  await bundle("command/main.ts", COMMAND_BUNDLE, {
    target: "node8.17",
    minify: false,
    legalComments: "inline",
    banner: {
      js:
        `/*! ekspodscan ${pkg.version} | eks_pod_scan Splunk app | ${pkg.license} | ` +
        "custom search command over Splunk's chunked protocol (SCP v2) */",
    },
  });
}

/** The operator CLI (hunt, deploy, search, tune): runs on current node, loads its npm deps at run time. */
export async function bundleCli() {
  await bundle("cli/main.ts", CLI_BUNDLE, {
    target: "node20",
    packages: "external",
    banner: { js: "#!/usr/bin/env node" },
    // splunk-sdk uses arguments.callee, so the CLI bundle must not be strict as a whole.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
  });
  // hunt's decode workers (src/ingest/decode-pool.ts) run this beside the CLI.
  await bundle("ingest/decode-worker.ts", DECODE_WORKER_BUNDLE, { target: "node20" });
}

/** Platforms named by --with-node, as one comma-separated value or repeated flags. */
function withNodePlatforms(argv) {
  const platforms = [];
  argv.forEach((arg, i) => {
    if (arg === "--with-node") {
      if (!argv[i + 1] || argv[i + 1].startsWith("--")) throw new Error("--with-node needs a platform, e.g. linux-x64");
      platforms.push(...argv[i + 1].split(","));
    } else if (arg.startsWith("--with-node=")) platforms.push(...arg.slice("--with-node=".length).split(","));
  });
  return platforms.filter(Boolean);
}

async function main() {
  const onlyBundles = process.argv.includes("--bundle");
  const platforms = withNodePlatforms(process.argv.slice(2));
  await Promise.all([bundleCommand(), bundleCli()]);
  if (onlyBundles) return;
  const { stageApp } = await import("./tools/stage-app.mjs");
  const { packApp } = await import("./tools/pack-app.mjs");
  const { packWithNode } = await import("./tools/pack-with-node.mjs");
  const staged = await stageApp({ root, commandBundle: COMMAND_BUNDLE });
  const tarball = await packApp({ root, stagedDir: staged });
  process.stderr.write(`built ${path.relative(root, tarball)}\n`);
  for (const platform of platforms) {
    const withNode = await packWithNode({ root, platform, commandBundle: COMMAND_BUNDLE });
    process.stderr.write(`built ${path.relative(root, withNode)}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`build failed: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
}
