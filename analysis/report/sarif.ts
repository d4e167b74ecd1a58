// `scan --output sarif`: SARIF 2.1.0 as code-scanning services read it (GitHub's included): one rule
// per template, one result per failing (policy, resource), located at the file and the line where
// the offending document starts, with a fingerprint that survives edits elsewhere in the file.
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { fingerprint, isProblem, type Finding, type Findings, type RuleInfo, type Severity } from './findings';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** GitHub reads `security-severity` as a CVSS-like score: ≥9 critical, 7–8.9 high, 4–6.9 medium, below low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { low: '3.0', medium: '5.5', high: '8.0', critical: '9.5' };
const LEVEL: Readonly<Record<Severity, Result.level>> = { low: 'note', medium: 'warning', high: 'error', critical: 'error' };

/** A file name as a relative URI reference: forward slashes, each segment percent-encoded. */
export function fileUri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

const resourceName = (f: Finding): string => {
  const r = f.result.resource;
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
};

function rule(info: RuleInfo): ReportingDescriptor {
  const help = info.remediation ?? info.description;
  return {
    id: info.id,
    name: info.title,
    shortDescription: { text: info.title },
    fullDescription: { text: info.description },
    help: { text: help, markdown: help },
    defaultConfiguration: { level: info.severity ? LEVEL[info.severity] : 'warning' },
    properties: {
      ...(info.severity ? { 'security-severity': SECURITY_SEVERITY[info.severity], severity: info.severity } : {}),
      tags: ['kubernetes', 'kyverno', ...(info.pack ? [info.pack] : [])],
      precision: 'very-high',
    },
  };
}

export interface SarifOptions {
  /** The tool version, `krate-policy`'s. */
  readonly version: string;
  /** The baseline file suppressions name. @default 'the baseline' */
  readonly baselineFile?: string;
}

/** The SARIF log of a scan: every `fail` and `error` result; baselined ones carry an accepted suppression. */
export function toSarif(report: Findings, options: SarifOptions): Log {
  const problems = report.findings.filter(isProblem);
  // Every rule the scan evaluated, in id order, so the log does not depend on policy order.
  const ids = [...report.rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = problems.map((f): Result => {
    const evaluated = f.result.result === 'fail';
    return {
      ruleId: f.rule.id,
      ruleIndex: index.get(f.rule.id)!,
      kind: 'fail',
      level: evaluated ? (f.rule.severity ? LEVEL[f.rule.severity] : 'warning') : 'error',
      message: {
        text: evaluated
          ? `${resourceName(f)}: ${f.result.message}`
          : `${resourceName(f)}: policy ${f.result.policy} could not be evaluated: ${f.result.message}`,
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: fileUri(f.file) }, region: { startLine: f.line } },
          logicalLocations: [{ fullyQualifiedName: resourceName(f), kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'krateFinding/v1': fingerprint(f.result) },
      ...(f.suppressed
        ? {
            suppressions: [
              { kind: 'external', status: 'accepted', justification: `accepted in ${options.baselineFile ?? 'the baseline'}` },
            ],
          }
        : {}),
      properties: { policy: f.result.policy, mode: f.result.mode.toLowerCase(), result: f.result.result, failsGate: f.failsGate },
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'krate-policy', version: options.version, rules: ids.map((id) => rule(report.rules.get(id)!)) } },
        results,
      },
    ],
  };
}
