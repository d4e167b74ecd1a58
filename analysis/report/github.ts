// `scan --output github`: GitHub Actions workflow commands, one annotation per failing result on the
// line where the offending document starts. Escaping follows @actions/core's command encoding:
// data escapes % CR LF; property values also : and ,.
import { isProblem, type Finding, type Findings } from './findings';

/** A workflow command's message. */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A workflow command's property value (file, line, title). */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * The annotation level: `error` for what fails the gate, `warning` for other failures (audit mode,
 * below --fail-on), `notice` for what the baseline accepts.
 */
function level(f: Finding): 'error' | 'warning' | 'notice' {
  if (f.suppressed) return 'notice';
  return f.failsGate ? 'error' : 'warning';
}

const resourceName = (f: Finding): string => {
  const r = f.result.resource;
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
};

/** One workflow command per `fail` / `error` result, then the summary as a plain line. */
export function toGitHubAnnotations(report: Findings, summary: string): string {
  const lines = report.findings.filter(isProblem).map((f) => {
    const title = `${f.rule.title} (${f.result.policy})${f.suppressed ? ' [baselined]' : ''}`;
    const what = f.result.result === 'error' ? `could not be evaluated: ${f.result.message}` : f.result.message;
    const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `title=${escapeProperty(title)}`].join(',');
    return `::${level(f)} ${props}::${escapeData(`${resourceName(f)}: ${what}`)}`;
  });
  return [...lines, summary].join('\n');
}
