import { DEFAULT_EXPIRY_WARNING_DAYS, runChecks } from '../../config/check';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';
import { repoFlag } from '../rollout';
import { repositorySources } from '../sources';

export const check: Command = {
  name: 'check',
  usage: `krate-policy check [--today YYYY-MM-DD] [--repo <dir>] [--warn-days N (default ${DEFAULT_EXPIRY_WARNING_DAYS})] [--output table|json]`,
  async run(args) {
    const parsed = parseArgs(args, { values: ['today', 'warn-days', 'repo', 'output'] }, this.usage);
    const output = enumFlag(parsed, 'output', ['table', 'json'] as const, 'table');
    const today = parseToday(parsed.flags.get('today'));
    const warnFlag = parsed.flags.get('warn-days');
    const warnDays = warnFlag === undefined ? DEFAULT_EXPIRY_WARNING_DAYS : Number(warnFlag);
    if (!Number.isInteger(warnDays) || warnDays < 0 || warnDays > 365)
      throw new ConfigError([`--warn-days: '${String(warnFlag)}' must be a whole number of days from 0 to 365`]);
    const { problems, warnings } = runChecks(today, repositorySources(repoFlag(parsed)), { warnDays });
    if (output === 'json') {
      console.log(
        JSON.stringify({ today, problems, warnings, summary: { problems: problems.length, warnings: warnings.length } }, null, 2),
      );
    } else {
      for (const w of warnings) console.log(`warning: ${w}`);
      for (const p of problems) console.log(`error: ${p}`);
      console.log(`check (${today}): ${problems.length} problem(s), ${warnings.length} warning(s)`);
    }
    return problems.length > 0 ? 1 : 0;
  },
};
