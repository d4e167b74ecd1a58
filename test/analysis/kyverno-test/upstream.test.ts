// Kyverno's own published CEL policies and their CLI suites (pod-security-vpol, best-practices-vpol),
// read at run time from ../shared/upstream (never copied here): every expected result must hold.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '../../../analysis/kyverno-test/runner';
import { formatTable } from '../../../analysis/kyverno-test/report';
import { REPO_ROOT } from '../../../lib/paths';

const UPSTREAM = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-policies');
const present = existsSync(UPSTREAM);
if (!present) console.log(`skipped: ${UPSTREAM} is absent, so Kyverno's published suites are not run (they live outside the repository)`);

describe("krate-policy test on Kyverno's published suites", () => {
  (present ? it : it.skip).each(['pod-security-vpol', 'best-practices-vpol'])('%s: every expected result holds', (folder) => {
    const report = runTests([join(UPSTREAM, folder)]);
    const failures = formatTable(report)
      .split('\n')
      .filter((l) => l.startsWith('  ✗'));
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.suites.length).toBeGreaterThan(10);
    expect(report.passed).toBeGreaterThan(50);
  });
});
