/**
 * Run in a child process whose cwd holds a .env: loads splunk-sdk either through our loader
 * ("guarded") or with a plain require ("plain"), then reports whether the .env reached process.env.
 */
import { loadSplunkSdk } from "../../src/splunk/sdk";

const mode = process.argv[2];
const sdk = mode === "plain" ? require("splunk-sdk") : loadSplunkSdk();
process.stdout.write(
  JSON.stringify({
    probe: process.env.EKS_POD_SCAN_DOTENV_PROBE === undefined ? null : process.env.EKS_POD_SCAN_DOTENV_PROBE,
    service: typeof sdk.Service,
  }),
);
