import { runChecks } from '../../config/check';
import { parseToday } from '../../lib/dates';
import { parseArgs } from '../args';
import type { Command } from '../command';

export const check: Command = {
  name: 'check',
  usage: 'krate-policy check [--today YYYY-MM-DD]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['today'] }, this.usage);
    const today = parseToday(parsed.flags.get('today'));
    const { problems, notices } = runChecks(today);
    for (const n of notices) console.log(`notice: ${n}`);
    for (const p of problems) console.error(`error: ${p}`);
    console.log(`check (${today}): ${problems.length} problem(s)`);
    return problems.length > 0 ? 1 : 0;
  },
};
