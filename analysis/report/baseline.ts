// The scan baseline: today's accepted failures, so a team adopts the gate at once and pays the debt
// over time. An entry is template, kind, namespace and name (never a line or a message, which move
// and change with every edit); the file is sorted JSON, so rewriting it is a reviewable diff.
import { ConfigError } from '../../lib/errors';
import { list, object, parseOrThrow, required, leaf, int } from '../../lib/spec';
import type { Manifest } from '../../lib/manifests';
import type { ScanResult } from '../scan';
import { keyOf, keyString, type FindingKey } from './findings';

export const BASELINE_VERSION = 1;

const text = leaf(
  'string',
  (v): v is string => typeof v === 'string',
  (v) => `${JSON.stringify(v)} must be a string`,
);
const nonEmpty = leaf(
  'string',
  (v): v is string => typeof v === 'string' && v !== '',
  (v) => `${JSON.stringify(v)} must be a non-empty string`,
);

const ENTRY = object({
  template: required(nonEmpty, 'The template (results’ `template`).'),
  kind: required(nonEmpty, 'The resource kind.'),
  namespace: required(text, 'The resource namespace, empty for a cluster-scoped resource.'),
  name: required(nonEmpty, 'The resource name.'),
});

const BASELINE = object({
  version: required(int(BASELINE_VERSION, BASELINE_VERSION), `The baseline format version: ${BASELINE_VERSION}.`),
  findings: required(list(ENTRY, { unique: true, of: 'findings {template, kind, namespace, name}' }), 'The accepted findings.'),
});

export interface Baseline {
  readonly file: string;
  readonly entries: readonly FindingKey[];
  /** Whether the baseline accepts this (failing) result. */
  has(r: ScanResult): boolean;
  /**
   * Entries no failing result matched: fixed, or the resource is gone. `scanned` limits them to
   * resources the scan read (with --changed, an entry for a file not scanned is not stale).
   */
  stale(results: readonly ScanResult[], scanned?: (k: FindingKey) => boolean): FindingKey[];
}

function baselineOf(file: string, entries: readonly FindingKey[]): Baseline {
  const keys = new Set(entries.map(keyString));
  return {
    file,
    entries,
    has: (r) => keys.has(keyString(keyOf(r))),
    stale(results, scanned = () => true) {
      const matched = new Set(results.filter((r) => r.result === 'fail').map((r) => keyString(keyOf(r))));
      return entries.filter((e) => !matched.has(keyString(e)) && scanned(e));
    },
  };
}

/** Reads a baseline file's text; every problem names the file and the field, with the fix. */
export function parseBaseline(source: string, file: string): Baseline {
  let value: unknown;
  try {
    // A byte order mark (Windows editors write one) is not JSON syntax.
    value = JSON.parse(source.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError([
      `--baseline ${file}: not JSON: ${(e as Error).message.replace(/\s+/g, ' ')} (write it with scan --write-baseline ${file}, or fix the syntax)`,
    ]);
  }
  // Problems name the field after the file: `--baseline b.json: findings[0].name: …`.
  const ROOT = '\u0000';
  try {
    return baselineOf(file, parseOrThrow(BASELINE, value, ROOT, `rewrite it with scan --write-baseline ${file}`).findings);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(e.problems.map((p) => `--baseline ${file}: ${p.replace(`${ROOT}.`, '').replace(`${ROOT}: `, '')}`));
  }
}

const compare = (a: FindingKey, b: FindingKey): number => {
  const x = keyString(a);
  const y = keyString(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The baseline text for these results' failures, plus `kept` entries (a partial scan's baseline keeps
 * those of resources it did not read): sorted, without duplicates, one entry per line group.
 */
export function formatBaseline(results: readonly ScanResult[], kept: readonly FindingKey[] = []): string {
  const unique = new Map<string, FindingKey>();
  for (const k of kept) unique.set(keyString(k), { template: k.template, kind: k.kind, namespace: k.namespace, name: k.name });
  for (const r of results) if (r.result === 'fail') unique.set(keyString(keyOf(r)), keyOf(r));
  const findings = [...unique.values()].sort(compare);
  return `${JSON.stringify({ version: BASELINE_VERSION, findings }, null, 2)}\n`;
}

/** Whether a resource with this kind, namespace and name is among the manifests (namespace as the scan defaults it). */
export function scannedBy(manifests: readonly Manifest[]): (k: FindingKey) => boolean {
  const ids = new Set<string>();
  for (const m of manifests) {
    const name = m.metadata?.name || m.metadata?.generateName || '';
    ids.add(`${m.kind}\0${m.metadata?.namespace ?? ''}\0${name}`);
    if (m.metadata?.namespace === undefined) ids.add(`${m.kind}\0default\0${name}`);
  }
  return (k) => ids.has(`${k.kind}\0${k.namespace}\0${k.name}`) || ids.has(`${k.kind}\0\0${k.name}`);
}
