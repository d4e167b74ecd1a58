import { parseToday } from '../../lib/dates';
import { compareRollouts, formatFinding, stageOf } from '../../config/rollout';
import { repoFlag, rolloutAt, workingRollout } from '../rollout';
import { parseArgs, requiredFlag } from '../args';
import type { Command } from '../command';

export const rolloutCheck: Command = {
  name: 'rollout check',
  usage: 'krate-policy rollout check --base <git-ref> [--today YYYY-MM-DD] [--repo <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['base', 'today', 'repo'] }, this.usage);
    const ref = requiredFlag(parsed, 'base', 'origin/main', this.usage);
    const today = parseToday(parsed.flags.get('today'));
    const repo = repoFlag(parsed);
    const head = workingRollout(repo).rollout;
    const base = rolloutAt(repo, ref);
    const findings = compareRollouts(base, head, today);
    const changed = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort().filter((t) => stageOf(base, t) !== stageOf(head, t));
    for (const t of changed) console.log(`  ${t}: ${base[t] ? stageOf(base, t) : 'new'} → ${stageOf(head, t)}`);
    for (const f of findings) console.error(`error: ${formatFinding(f)}`);
    console.log(`rollout check (${ref} → working tree, ${today}): ${changed.length} stage change(s), ${findings.length} refused`);
    return findings.length > 0 ? 1 : 0;
  },
};
