// Output of `krate-policy test`: a table (one line per suite, every mismatch, the summary line),
// JSON, or JUnit XML for CI.
import type { ResultRow, SuiteReport, TestReport } from './runner';
import { xmlAttr as xml, xmlText } from '../../lib/xml';

export const OUTPUTS = ['table', 'json', 'junit'] as const;
export type Output = (typeof OUTPUTS)[number];

/** The last line of every run: `N passed, N failed`. */
export const summaryLine = (r: TestReport): string => `${r.passed} passed, ${r.failed} failed`;

const mismatch = (row: ResultRow) =>
  `  ✗ policy ${row.policy}${row.rule ? ` (rule ${row.rule})` : ''}, resource ${row.resource}: expected ${row.expected}, got ${row.actual}${row.message ? `: ${row.message}` : ''}`;

export function formatTable(r: TestReport): string {
  const lines: string[] = [];
  for (const s of r.suites) {
    lines.push(`${s.failed > 0 ? 'FAIL' : 'PASS'}  ${s.file}  (${s.name}): ${s.passed} passed, ${s.failed} failed`);
    for (const n of s.notes) lines.push(`  note: ${n}`);
    for (const row of s.rows) if (!row.passed) lines.push(mismatch(row));
  }
  lines.push(summaryLine(r));
  return lines.join('\n');
}

export function formatJson(r: TestReport): string {
  return JSON.stringify({ suites: r.suites, passed: r.passed, failed: r.failed }, null, 2);
}

function junitSuite(s: SuiteReport): string {
  const cases = s.rows.map((row) => {
    const name = xml(`${row.resource} is ${row.expected}`);
    const head = `    <testcase classname="${xml(row.policy)}" name="${name}" file="${xml(s.file)}">`;
    if (row.passed) return `${head}</testcase>`;
    return `${head}\n      <failure message="${xml(`expected ${row.expected}, got ${row.actual}`)}">${xmlText(row.message)}</failure>\n    </testcase>`;
  });
  return [
    `  <testsuite name="${xml(s.name)}" file="${xml(s.file)}" tests="${s.rows.length}" failures="${s.failed}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

export function formatJunit(r: TestReport): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="krate-policy test" tests="${r.passed + r.failed}" failures="${r.failed}">`,
    ...r.suites.map(junitSuite),
    '</testsuites>',
  ].join('\n');
}

export function format(r: TestReport, output: Output): string {
  return output === 'json' ? formatJson(r) : output === 'junit' ? formatJunit(r) : formatTable(r);
}
