/**
 * The html report in a real browser: Debian's chromium (or CHROMIUM_PATH), headless, driven by
 * playwright-core. The page comes from `hunt --format html` on the built-in sample and is checked
 * against `--format json` with the same options. The screenshot is a test artifact in .artifacts/,
 * not committed (docs/report.png is made by scripts/screenshot-report.ts).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Browser, chromium } from "playwright-core";

const ROOT = path.resolve(__dirname, "..");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARTIFACTS = path.join(ROOT, ".artifacts");
const OPTIONS = ["--input", "samples/eks-audit-sample.jsonl.gz", "--match", "broad", "--by", "client"];

function hunt(args: string[]): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli", "main.ts"), "hunt", ...args], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`hunt ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

type Cell = string | string[] | number;

describe("the html report in headless chromium", function () {
  this.timeout(60000);
  let dir: string;
  let browser: Browser;
  let records: Array<{ [column: string]: Cell }>;
  let report: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
    dir = mkdtempSync(path.join(os.tmpdir(), "report-browser-"));
    report = path.join(dir, "report.html");
    hunt([...OPTIONS, "--format", "html", "--output", report]);
    records = JSON.parse(hunt([...OPTIONS, "--enrich", "--format", "json"]));
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  after(async () => {
    if (browser) await browser.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("loads with no console error, no request but its own, the JSON's rows, and a screenshot", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    const url = pathToFileURL(report).href;
    await page.goto(url, { waitUntil: "load" });

    const cells: Cell[][] = await page.$$eval("#rows tbody tr", (rows) =>
      rows.map((row) => Array.from((row as HTMLTableRowElement).cells, (td) => {
        const divs = td.querySelectorAll("div");
        return divs.length > 0 ? Array.from(divs, (d) => d.textContent || "") : td.textContent || "";
      })),
    );
    const columns = await page.$$eval("#rows thead th", (ths) => ths.map((th) => th.textContent || ""));
    const cards = await page.$$eval(".cards div", (ds) => ds.map((d) => `${d.querySelector("dt")?.textContent}=${d.querySelector("dd")?.textContent}`));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "report.png"), fullPage: true });

    expect(problems).to.deep.equal([]);
    expect(requests).to.deep.equal([url]);
    expect(columns).to.deep.equal(Object.keys(records[0]));
    expect(cells).to.have.length(records.length);
    // The same records, cell for cell; the page orders them allowed first, so compare as sorted sets.
    const fromJson = records.map((r) => JSON.stringify(columns.map((c) => (typeof r[c] === "number" ? String(r[c]) : r[c]))));
    expect(cells.map((row) => JSON.stringify(row)).sort()).to.deep.equal(fromJson.sort());
    const requestsTotal = records.reduce((sum, r) => sum + Number(r.count), 0);
    expect(cards).to.deep.equal([
      "events read=3,222", "events rejected=0", `scan requests=${requestsTotal}`, "clusters hit=3", "client addresses=11", "scanner families=7",
    ]);
    expect(await page.$$eval(".timeline", (fs) => fs.map((f) => f.querySelector("figcaption")?.textContent))).to.deep.equal(["dev-sandbox", "prod-payments", "staging-web"]);
    expect(await page.$$eval("#rows tbody tr", (rows) => rows[0].className)).to.equal("allowed");
    await page.close();
  });

  it("sorts the table by a column, as numbers where the column is numeric", async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(report).href);
    const countIndex = Object.keys(records[0]).indexOf("count");
    const counts = () => page.$$eval("#rows tbody tr", (rows, i) => rows.map((row) => Number((row as HTMLTableRowElement).cells[i].textContent)), countIndex);
    const expected = records.map((r) => Number(r.count)).sort((a, b) => a - b);
    await page.click(`#rows thead th:nth-child(${countIndex + 1}) button`);
    expect(await counts()).to.deep.equal(expected);
    expect(await page.getAttribute(`#rows thead th:nth-child(${countIndex + 1})`, "aria-sort")).to.equal("ascending");
    await page.click(`#rows thead th:nth-child(${countIndex + 1}) button`);
    expect(await counts()).to.deep.equal(expected.slice().reverse());
    await page.close();
  });
});
