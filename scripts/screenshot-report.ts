/**
 * npm run screenshot: docs/report.png, the README's picture of `hunt --format html` on the built-in
 * sample, taken with headless chromium (Debian's, or CHROMIUM_PATH). Run `node build.mjs` first.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "docs", "report.png");

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "eks-report-"));
  const report = path.join(dir, "report.html");
  execFileSync(process.execPath, [path.join(ROOT, "dist", "cli", "eks-pod-scan.js"), "hunt", "--input", "samples/eks-audit-sample.jsonl.gz",
    "--match", "broad", "--by", "client", "--format", "html", "--output", report], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium" });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 760 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(report).href);
    await page.screenshot({ path: OUT });
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`wrote ${path.relative(ROOT, OUT)}\n`);
}

main().catch((err) => {
  process.stderr.write(`screenshot: ${(err as Error).message}\n`);
  process.exit(1);
});
