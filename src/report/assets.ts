/**
 * The report's one stylesheet and one script, inlined in the page. The page's Content-Security-Policy
 * allows exactly these two by hash, and nothing from anywhere: no fetch, image, font or frame.
 * The script is plain ES5 in a string: it runs as written, in any browser, with no build step.
 */
export const REPORT_CSS = `
:root { --allowed: #c62828; --denied: #5c6bc0; --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; }
* { box-sizing: border-box; }
body { margin: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 0; }
.cards div { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.cards dt { color: var(--muted); font-size: 12px; }
.cards dd { margin: 0; font-size: 22px; font-weight: 600; }
.callout { border-left: 4px solid var(--denied); padding: 8px 12px; background: #f6f8fa; margin: 16px 0; }
.callout.exposed { border-color: var(--allowed); background: #fdecea; }
.timeline { margin: 8px 0 16px; }
.timeline figcaption { font-weight: 600; }
.timeline svg { max-width: 100%; height: auto; }
.grid { stroke: var(--rule); }
.tick, .lane { font-size: 11px; fill: var(--muted); }
.lane { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.bar.allowed { fill: var(--allowed); }
.bar.denied { fill: var(--denied); }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 12px; }
.legend .allowed::before { background: var(--allowed); }
.legend .denied::before { background: var(--denied); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
tr.allowed td:first-child { box-shadow: inset 4px 0 var(--allowed); }
@media print { th button::after { content: none; } .scroll { overflow: visible; } }
`;

export const REPORT_SCRIPT = `
(function () {
  var table = document.getElementById("rows");
  if (!table) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(row, i, numeric) {
    var cell = row.cells[i];
    return numeric ? Number(cell.getAttribute("data-n")) : cell.textContent;
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.querySelector("button").addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      var numeric = th.hasAttribute("data-numeric");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, i, numeric), y = key(b, i, numeric);
        var order = numeric ? x - y : x < y ? -1 : x > y ? 1 : 0;
        return descending ? -order : order;
      });
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
`;
