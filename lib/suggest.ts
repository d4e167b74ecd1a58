// "Did you mean …?" for typos: one edit distance and one closeness rule for every message that
// suggests a name (commands, options, template names, config fields).

/**
 * Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: `chek` → `check`
 * is 1, `stauts` → `status` is 1.
 */
export function editDistance(a: string, b: string): number {
  // d[i][j]: distance between a[0, i) and b[0, j); three rows suffice for the swap rule.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a typo of it (at most one edit per
 * three characters, at least one); the first candidate wins a tie.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean 'x'?)` for a close candidate, '' otherwise: append it to an "unknown …" message. */
export function didYouMean(word: string, candidates: Iterable<string>, quote: (s: string) => string = (s) => `'${s}'`): string {
  const hint = closest(word, candidates);
  return hint === undefined ? '' : ` (did you mean ${quote(hint)}?)`;
}
