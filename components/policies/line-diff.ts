/**
 * A line diff for comparing policy versions.
 *
 * No diff library is installed (node_modules has no `diff`, `jsdiff` or `fast-diff`) and the
 * inputs are small (a pretty-printed canonical policy is at most a few thousand lines), so a
 * plain longest-common-subsequence table is enough: O(n·m) time and memory, bounded below by
 * trimming the common head and tail first. Above MAX_CELLS the middle is shown as removed and
 * added wholesale rather than freezing the browser.
 */
export type DiffLine = { kind: "same" | "added" | "removed"; text: string; oldNumber?: number; newNumber?: number };

const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: "same", text: a[i]!, oldNumber: i + 1, newNumber: i + 1 });

  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  if (n * m > MAX_CELLS) {
    am.forEach((text, i) => out.push({ kind: "removed", text, oldNumber: head + i + 1 }));
    bm.forEach((text, j) => out.push({ kind: "added", text, newNumber: head + j + 1 }));
  } else {
    // lcs[i][j]: the LCS length of am[i..] and bm[j..], in one flat array.
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = am[i] === bm[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        out.push({ kind: "same", text: am[i]!, oldNumber: head + i + 1, newNumber: head + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        out.push({ kind: "removed", text: am[i]!, oldNumber: head + i + 1 });
        i++;
      } else {
        out.push({ kind: "added", text: bm[j]!, newNumber: head + j + 1 });
        j++;
      }
    }
  }
  for (let k = tail; k > 0; k--) out.push({ kind: "same", text: a[a.length - k]!, oldNumber: a.length - k + 1, newNumber: b.length - k + 1 });
  return out;
}
