// `scan --output junit`: JUnit XML as CI test reporters read it. A test suite per template, a test
// case per template × resource: failed when any of its results fails (every message in the
// failure), an error when a policy could not be evaluated, skipped when the baseline accepts it or
// the policy skipped the resource.
import { xmlAttr as xmlEscape, xmlText as textEscape } from '../../lib/xml';
import { type Finding, type Findings } from './findings';

const resourceName = (f: Finding): string => {
  const r = f.result.resource;
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
};

type Outcome = 'failure' | 'error' | 'skipped' | 'passed';

interface Case {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly findings: Finding[];
}

/** A case's outcome: an unsuppressed failure or an error wins, then skips (baseline, policy skip), else passed. */
function outcomeOf(c: Case): Outcome {
  if (c.findings.some((f) => f.result.result === 'error')) return 'error';
  if (c.findings.some((f) => f.result.result === 'fail' && !f.suppressed)) return 'failure';
  if (c.findings.some((f) => f.result.result === 'fail' || f.result.result === 'skip')) return 'skipped';
  return 'passed';
}

const lineOf = (f: Finding): string => `${f.result.policy} (${f.result.mode.toLowerCase()}): ${f.result.message}`;

function caseXml(suite: string, c: Case): string {
  const outcome = outcomeOf(c);
  const attrs = `name="${xmlEscape(c.name)}" classname="${xmlEscape(suite)}" file="${xmlEscape(c.file)}" line="${c.line}"`;
  if (outcome === 'passed') return `    <testcase ${attrs}/>`;
  let body: string;
  if (outcome === 'skipped') {
    const baselined = c.findings.filter((f) => f.suppressed);
    const message = baselined.length > 0 ? 'accepted in the baseline' : c.findings.find((f) => f.result.result === 'skip')!.result.message;
    body = `      <skipped message="${xmlEscape(message)}"/>`;
  } else {
    const which = c.findings.filter((f) =>
      outcome === 'error' ? f.result.result === 'error' : f.result.result === 'fail' && !f.suppressed,
    );
    const text = which.map(lineOf).join('\n');
    const type =
      outcome === 'error' ? 'EvaluationError' : which.some((f) => f.failsGate) ? 'PolicyViolation' : 'PolicyViolation (not gating)';
    body = `      <${outcome} message="${xmlEscape(which[0].result.message)}" type="${xmlEscape(type)}">${textEscape(`${c.file}:${c.line}\n${text}`)}</${outcome}>`;
  }
  const props = c.findings.some((f) => f.suppressed)
    ? `\n      <properties>\n        <property name="suppressed" value="baseline"/>\n      </properties>`
    : '';
  return `    <testcase ${attrs}>${props}\n${body}\n    </testcase>`;
}

/** The JUnit XML document of a scan: suites in template order, cases in resource order, deterministic. */
export function toJUnit(report: Findings, name = 'krate-policy scan'): string {
  const suites = new Map<string, Map<string, Case>>();
  for (const f of report.findings) {
    const cases = suites.get(f.rule.id) ?? new Map<string, Case>();
    suites.set(f.rule.id, cases);
    const key = `${resourceName(f)}\0${f.file}`;
    const c = cases.get(key);
    if (c) c.findings.push(f);
    else cases.set(key, { name: resourceName(f), file: f.file, line: f.line, findings: [f] });
  }
  const ids = [...suites.keys()].sort();
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const out: string[] = [];
  for (const id of ids) {
    const cases = [...suites.get(id)!.values()];
    const count = { tests: cases.length, failures: 0, errors: 0, skipped: 0 };
    for (const c of cases) {
      const o = outcomeOf(c);
      if (o === 'failure') count.failures++;
      else if (o === 'error') count.errors++;
      else if (o === 'skipped') count.skipped++;
    }
    for (const k of ['tests', 'failures', 'errors', 'skipped'] as const) totals[k] += count[k];
    const rule = report.rules.get(id)!;
    out.push(
      `  <testsuite name="${xmlEscape(id)}" tests="${count.tests}" failures="${count.failures}" errors="${count.errors}" skipped="${count.skipped}">`,
      `    <properties>\n      <property name="title" value="${xmlEscape(rule.title)}"/>${rule.severity ? `\n      <property name="severity" value="${rule.severity}"/>` : ''}\n    </properties>`,
      ...cases.map((c) => caseXml(id, c)),
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}">`,
    ...out,
    '</testsuites>',
    '',
  ].join('\n');
}
