/**
 * A unified diff (as `diff -u` prints it) of two small texts, for tune --dry-run.
 * Line-level longest common subsequence; conf files are small, so O(n*m) is fine.
 */

type Op = { kind: " " | "-" | "+"; line: string };

function toLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++] });
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) ops.push({ kind: "-", line: a[i++] });
    else ops.push({ kind: "+", line: b[j++] });
  }
  while (i < a.length) ops.push({ kind: "-", line: a[i++] });
  while (j < b.length) ops.push({ kind: "+", line: b[j++] });
  return ops;
}

function range(start: number, count: number): string {
  // diff -u: a range of one line is just its number; an empty range names the line before it.
  if (count === 1) return `${start}`;
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** "" when the texts are equal. Labels go on the ---/+++ lines. */
export function unifiedDiff(oldText: string, newText: string, oldLabel: string, newLabel: string, context = 3): string {
  if (oldText === newText) return "";
  const ops = diffOps(toLines(oldText), toLines(newText));
  const changed = ops.map((op, index) => (op.kind === " " ? -1 : index)).filter((index) => index >= 0);
  // Group changes whose context windows touch into hunks of op indexes [first, last].
  const hunks: Array<[number, number]> = [];
  for (const index of changed) {
    const first = Math.max(0, index - context);
    const last = Math.min(ops.length - 1, index + context);
    const previous = hunks[hunks.length - 1];
    if (previous && first <= previous[1] + 1) previous[1] = last;
    else hunks.push([first, last]);
  }
  const out = [`--- ${oldLabel}`, `+++ ${newLabel}`];
  // Line numbers (1-based) of the first op of each hunk in the old and new text.
  let oldLine = 1;
  let newLine = 1;
  let cursor = 0;
  for (const [first, last] of hunks) {
    for (; cursor < first; cursor++) {
      if (ops[cursor].kind !== "+") oldLine++;
      if (ops[cursor].kind !== "-") newLine++;
    }
    const body = ops.slice(first, last + 1);
    const oldCount = body.filter((op) => op.kind !== "+").length;
    const newCount = body.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const op of body) out.push(`${op.kind}${op.line}`);
  }
  return out.join("\n") + "\n";
}
