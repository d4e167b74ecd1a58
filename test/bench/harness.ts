/** One benchmark: a name and a run that returns labelled figures. */
export interface Bench {
  readonly name: string;
  run(): Promise<ReadonlyArray<{ readonly label: string; readonly value: string }>>;
}

/** Median of numbers (the figure reported: robust to one slow run on a busy 2-core machine). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds, formatted for the report. */
export function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}
