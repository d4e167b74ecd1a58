import { EXIT } from '../support';
import { ConfigError } from '../../lib/errors';
import { format, OUTPUTS, summaryLine } from '../../analysis/kyverno-test/report';
import { runTests } from '../../analysis/kyverno-test/runner';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';

const USAGE = 'krate-policy test [--output table|json|junit] <file|dir>...';

/**
 * Runs every Kyverno CLI test suite (kyverno-test.yaml) below the paths offline. Exit 0 when every
 * expected result matches, 1 when any does not, 2 on bad input. JSON and JUnit go to stdout, the
 * summary line to stderr, so stdout stays a document.
 */
export const test: Command = {
  name: 'test',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(args, { values: ['output'] }, USAGE);
    const output = enumFlag(parsed, 'output', OUTPUTS, 'table');
    if (parsed.positional.length === 0)
      throw new ConfigError([`no input: name kyverno-test.yaml files or folders that contain them\nusage: ${USAGE}`]);
    const report = runTests(parsed.positional);
    console.log(format(report, output));
    if (output !== 'table') console.error(summaryLine(report));
    return report.failed > 0 ? EXIT.findings : EXIT.ok;
  },
};
