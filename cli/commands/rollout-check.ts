import { parseToday } from '../../lib/dates';
import { compareRollouts, formatFinding, stageOf } from '../../config/rollout';
import { evidenceGate, repoFlag, rolloutAt, workingRollout } from '../rollout';
import { enumFlag, parseArgs, requiredFlag } from '../args';
import type { Command } from '../command';

export const rolloutCheck: Command = {
  name: 'rollout check',
  usage: 'krate-policy rollout check --base <git-ref> [--today YYYY-MM-DD] [--repo <dir>] [--output table|json]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['base', 'today', 'repo', 'output'] }, this.usage);
    const output = enumFlag(parsed, 'output', ['table', 'json'] as const, 'table');
    const ref = requiredFlag(parsed, 'base', 'origin/main', this.usage);
    const today = parseToday(parsed.flags.get('today'));
    const repo = repoFlag(parsed);
    const head = workingRollout(repo).rollout;
    const base = rolloutAt(repo, ref);
    const findings = compareRollouts(base, head, today, evidenceGate(repo).gate);
    const changed = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort().filter((t) => stageOf(base, t) !== stageOf(head, t));
    const changes = changed.map((template) => ({
      template,
      from: base[template] ? stageOf(base, template) : 'new',
      to: stageOf(head, template),
    }));
    if (output === 'json') {
      console.log(
        JSON.stringify({ base: ref, today, changes, findings, summary: { changes: changes.length, refused: findings.length } }, null, 2),
      );
    } else {
      // Findings and the summary go to stdout, like every command's; stderr is for bad input.
      for (const c of changes) console.log(`  ${c.template}: ${c.from} → ${c.to}`);
      for (const f of findings) console.log(`error: ${formatFinding(f)}`);
      console.log(`rollout check (${ref} → working tree, ${today}): ${changes.length} stage change(s), ${findings.length} refused`);
    }
    return findings.length > 0 ? 1 : 0;
  },
};
