import { DEFAULT_EXPIRY_WARNING_DAYS, runChecks } from '../../config/check';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { parseArgs } from '../args';
import type { Command } from '../command';
import { repoFlag } from '../rollout';
import { repositorySources } from '../sources';

export const check: Command = {
  name: 'check',
  usage: `krate-policy check [--today YYYY-MM-DD] [--repo <dir>] [--warn-days N (default ${DEFAULT_EXPIRY_WARNING_DAYS})]`,
  async run(args) {
    const parsed = parseArgs(args, { values: ['today', 'warn-days', 'repo'] }, this.usage);
    const today = parseToday(parsed.flags.get('today'));
    const warnFlag = parsed.flags.get('warn-days');
    const warnDays = warnFlag === undefined ? DEFAULT_EXPIRY_WARNING_DAYS : Number(warnFlag);
    if (!Number.isInteger(warnDays) || warnDays < 0 || warnDays > 365)
      throw new ConfigError([`--warn-days: '${String(warnFlag)}' must be a whole number of days from 0 to 365`]);
    const { problems, warnings } = runChecks(today, repositorySources(repoFlag(parsed)), { warnDays });
    for (const w of warnings) console.log(`warning: ${w}`);
    for (const p of problems) console.log(`error: ${p}`);
    console.log(`check (${today}): ${problems.length} problem(s), ${warnings.length} warning(s)`);
    return problems.length > 0 ? 1 : 0;
  },
};
