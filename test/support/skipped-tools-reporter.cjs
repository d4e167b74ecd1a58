// Prints, after every run, which tests were skipped because a tool they run for real is missing,
// so a green `npm test` on a machine without them says what it did not check.
const MARKER = '(skipped: ';

class SkippedToolsReporter {
  onRunComplete(_contexts, results) {
    const skipped = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending') continue;
        const title = test.ancestorTitles.find((t) => t.includes(MARKER));
        if (!title) continue;
        const reason = title.slice(title.indexOf(MARKER) + MARKER.length, -1);
        skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      }
    }
    if (skipped.size === 0) return;
    const lines = [...skipped].sort().map(([reason, n]) => `  ${n} test${n === 1 ? '' : 's'} skipped: ${reason}`);
    process.stderr.write(`\nTests skipped for missing tools:\n${lines.join('\n')}\n`);
  }
}

module.exports = SkippedToolsReporter;
