import { ConfigError } from './errors';

// Calendar dates as the configuration writes them: 'YYYY-MM-DD', in UTC. Plain strings compare in
// date order, so the checks never need Date objects except to add days.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** `date` plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

/** Today's UTC date. Only the CLI and the test layer call this: synth never reads the clock. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Parses a `--today` flag value, or the real date when absent. */
export function parseToday(value: string | true | undefined): string {
  if (value === undefined) return todayUtc();
  if (typeof value === 'string' && isIsoDate(value)) return value;
  throw new ConfigError([`--today: ${value === true ? 'missing value' : `'${value}'`} is not a date like 2026-11-22 (YYYY-MM-DD)`]);
}
