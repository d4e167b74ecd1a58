// Progress of a long scan on a terminal: one line on stderr, rewritten in place. Only when stderr
// is a TTY, so CI logs and pipes never see it.

export interface ProgressState {
  files: number;
  resources: number;
  evaluated: number;
  /** Resources to evaluate; 0 while reading. */
  total: number;
}

const n = (v: number): string => v.toLocaleString('en-US');

/** The progress line: `scan: read 12 files, 3,400 resources; evaluated 1,200/3,400 resources (35%)`. */
export function formatProgress(s: ProgressState): string {
  const read = `scan: read ${n(s.files)} ${s.files === 1 ? 'file' : 'files'}, ${n(s.resources)} ${s.resources === 1 ? 'resource' : 'resources'}`;
  if (s.total === 0) return read;
  return `${read}; evaluated ${n(s.evaluated)}/${n(s.total)} resources (${Math.floor((100 * s.evaluated) / s.total)}%)`;
}

/** Where progress goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** How often the line is redrawn at most, in milliseconds. */
const INTERVAL_MS = 100;

export class Progress {
  readonly enabled: boolean;
  readonly state: ProgressState = { files: 0, resources: 0, evaluated: 0, total: 0 };
  private last = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly clock: () => number = Date.now,
  ) {
    this.enabled = stream.isTTY === true;
  }

  /** Redraws the line (at most every INTERVAL_MS unless `force`). */
  update(force = false): void {
    if (!this.enabled) return;
    const now = this.clock();
    if (!force && now - this.last < INTERVAL_MS) return;
    this.last = now;
    // \r and clear-to-end-of-line: the line is rewritten in place.
    this.stream.write(`\r${formatProgress(this.state)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line so the report starts on a clean line. */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
