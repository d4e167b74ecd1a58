// What every scan output (table, json, SARIF, JUnit, GitHub annotations) reports, worked out once:
// each result with the file and line of the document it came from, its rule (the template) with
// severity and remediation, whether a baseline suppresses it, and whether it fails the gate.
import { createHash } from 'node:crypto';
import type { Manifest, SourcedManifest } from '../../lib/manifests';
import { scanFails, type ScanReport, type ScanResult } from '../scan';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A rule: one per template (or per policy of yours, named by its template label or its name). */
export interface RuleInfo {
  /** The template name; results' `template`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** `policies.kyverno.io/severity`; undefined when the policy does not say (then no threshold is assumed to be above it). */
  readonly severity?: Severity;
  /** How to fix a failing resource. @default the description */
  readonly remediation?: string;
  readonly pack: string;
}

/** One result where it came from, and what the gate makes of it. */
export interface Finding {
  readonly result: ScanResult;
  readonly rule: RuleInfo;
  /** File as the reader names it (relative to the working directory where possible), `-` for stdin. */
  readonly file: string;
  /** 1-based line where the offending document starts. */
  readonly line: number;
  /** The baseline accepts it: reported as suppressed, never failing the gate. */
  readonly suppressed: boolean;
  /** This finding alone makes the scan exit 1. */
  readonly failsGate: boolean;
}

/** The gate: `--fail-on <severity>`, or else the environment's own rule (enforce-mode failures). */
export type Gate = { readonly failOn: Severity } | { readonly enforced: true };

/** The baseline's identity of a finding: template, kind, namespace, name; never a line or a message. */
export interface FindingKey {
  readonly template: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export const keyOf = (r: ScanResult): FindingKey => ({
  template: r.template,
  kind: r.resource.kind,
  namespace: r.resource.namespace,
  name: r.resource.name,
});

export const keyString = (k: FindingKey): string => `${k.template}\0${k.kind}\0${k.namespace}\0${k.name}`;

/** A fingerprint that survives edits, moves and line shifts: the baseline key, hashed. */
export function fingerprint(r: ScanResult): string {
  return createHash('sha256')
    .update(keyString(keyOf(r)))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Whether a result fails the gate. An `error` always does (a policy that could not be evaluated is
 * never a pass); a `fail` does when its severity reaches `--fail-on` (a policy without a severity
 * reaches every threshold: it is never assumed harmless), or without `--fail-on` when its policy
 * is in enforce mode, as admission would deny it. Baselined failures never do.
 */
export function failsGate(r: ScanResult, rule: RuleInfo, gate: Gate, suppressed: boolean): boolean {
  if (r.result === 'error') return true;
  if (r.result !== 'fail' || suppressed) return false;
  // The environment's rule has one home: scanFails (enforce-mode failures, and errors).
  if ('enforced' in gate) return scanFails({ results: [r], summary: { pass: 0, fail: 1, skip: 0, error: 0 } });
  return rule.severity === undefined || SEVERITIES.indexOf(rule.severity) >= SEVERITIES.indexOf(gate.failOn);
}

const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);

/**
 * The rules of the policies a scan evaluated, by template: title, description and severity from
 * their `policies.kyverno.io/*` annotations, remediation from the template when it is the project's.
 */
export function rulesOf(policies: readonly Manifest[], remediation: ReadonlyMap<string, string> = new Map()): Map<string, RuleInfo> {
  const rules = new Map<string, RuleInfo>();
  for (const p of policies) {
    if (p.kind === 'PolicyException') continue;
    const labels = (p.metadata.labels ?? {}) as Record<string, string>;
    const a = (p.metadata.annotations ?? {}) as Record<string, string>;
    const id = labels['krate.a5c.ai/policy-template'] ?? p.metadata.name;
    if (rules.has(id)) continue;
    const severity = a['policies.kyverno.io/severity']?.toLowerCase();
    const description = a['policies.kyverno.io/description'] ?? `${p.kind} ${p.metadata.name}`;
    rules.set(id, {
      id,
      title: a['policies.kyverno.io/title'] ?? id,
      description,
      severity: isSeverity(severity) ? severity : undefined,
      remediation: remediation.get(id),
      pack: labels['krate.a5c.ai/policy-pack'] ?? '',
    });
  }
  return rules;
}

/**
 * Finds the document each result came from. Results name their resource (apiVersion, kind,
 * namespace as the scan defaulted it, name), so a resource is looked up by those; when several
 * documents define the same resource, a policy's successive results for it take them in input order.
 */
export function locator(items: readonly SourcedManifest[]): (r: ScanResult) => SourcedManifest | undefined {
  const index = new Map<string, SourcedManifest[]>();
  const add = (key: string, item: SourcedManifest) => {
    const list = index.get(key);
    if (list) list.push(item);
    else index.set(key, [item]);
  };
  for (const item of items) {
    const m = item.manifest;
    const base = `${m.apiVersion}\0${m.kind}\0${m.metadata?.name || m.metadata?.generateName || ''}`;
    add(`${base}\0${m.metadata?.namespace ?? '\u0001'}`, item);
    add(base, item);
  }
  const seen = new Map<string, number>();
  // A scan shares one resource object among all of a document's results: where that resource is
  // defined once, its document is known after the first lookup (a million results, no key strings).
  const unique = new Map<ScanResult['resource'], SourcedManifest | undefined>();
  return (r) => {
    if (unique.has(r.resource)) return unique.get(r.resource);
    const base = `${r.resource.apiVersion}\0${r.resource.kind}\0${r.resource.name}`;
    // The scan decides a namespace the document does not give (`default`) or ignores (a cluster-scoped kind).
    const key = [`${base}\0${r.resource.namespace}`, `${base}\0\u0001`, base].find((k) => index.has(k));
    if (key === undefined) {
      unique.set(r.resource, undefined);
      return undefined;
    }
    const list = index.get(key)!;
    if (list.length === 1) {
      unique.set(r.resource, list[0]);
      return list[0];
    }
    const turn = `${r.policy}\0${key}`;
    const n = seen.get(turn) ?? 0;
    seen.set(turn, n + 1);
    return list[Math.min(n, list.length - 1)];
  };
}

export interface Findings {
  /** Every result (pass and skip too), in report order. */
  readonly findings: readonly Finding[];
  readonly rules: ReadonlyMap<string, RuleInfo>;
  readonly summary: ScanReport['summary'];
  /** How many failing results the baseline suppressed. */
  readonly suppressed: number;
}

/**
 * The report's results with source, rule, suppression and gate. `isBaselined` says whether the
 * baseline accepts a failing result.
 */
export function toFindings(
  report: ScanReport,
  items: readonly SourcedManifest[],
  rules: ReadonlyMap<string, RuleInfo>,
  gate: Gate,
  isBaselined: (r: ScanResult) => boolean = () => false,
): Findings {
  const locate = locator(items);
  const all = new Map(rules);
  let suppressed = 0;
  const findings = report.results.map((result): Finding => {
    let rule = all.get(result.template);
    if (!rule)
      all.set(result.template, (rule = { id: result.template, title: result.template, description: result.policy, pack: result.pack }));
    const source = locate(result);
    const isSuppressed = result.result === 'fail' && isBaselined(result);
    if (isSuppressed) suppressed++;
    return {
      result,
      rule,
      file: source?.file ?? '-',
      line: source?.line ?? 1,
      suppressed: isSuppressed,
      failsGate: failsGate(result, rule, gate, isSuppressed),
    };
  });
  return { findings, rules: all, summary: report.summary, suppressed };
}

/** `fail` and `error` results: what the outputs list (passes and skips are counted, not listed). */
export const isProblem = (f: Finding): boolean => f.result.result === 'fail' || f.result.result === 'error';
