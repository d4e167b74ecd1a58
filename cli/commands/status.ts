import { parseToday } from '../../lib/dates';
import { LADDER_ENVIRONMENTS } from '../../lib/ladder';
import { statusBoard, type StatusRow } from '../../config/rollout';
import { repoFlag, workingRollout } from '../rollout';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';
import { repositoryTemplates } from '../sources';

const FORMATS = ['table', 'markdown', 'json'] as const;

/** Cells of one row, shared by the table and markdown formats. */
function cells(row: StatusRow, today: string): string[] {
  const modes = LADDER_ENVIRONMENTS.map((env) => {
    const mode = row.modes[env];
    if (!mode) return '—';
    return mode === 'Enforce' && row.auditNamespaces.length > 0 ? `Enforce (Audit: ${row.auditNamespaces.join(', ')})` : mode;
  });
  const next = !row.next ? '—' : `${row.next.stage} ${!row.next.date || row.next.date <= today ? 'now' : `from ${row.next.date}`}`;
  return [row.template, row.stage, ...modes, row.daysInStage === undefined ? '—' : String(row.daysInStage), next];
}

export function renderStatus(rows: readonly StatusRow[], today: string, format: (typeof FORMATS)[number]): string {
  const header = ['template', 'stage', ...LADDER_ENVIRONMENTS, 'days in stage', 'next promotion'];
  const body = rows.map((r) => cells(r, today));
  if (format === 'json') return JSON.stringify({ today, templates: rows }, null, 2);
  if (format === 'markdown') {
    return [
      `Rollout ladder on ${today} (\`npx krate-policy status --format markdown\`)`,
      '',
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...body.map((c) => `| ${c.map((x, i) => (i === 0 ? `\`${x}\`` : x)).join(' | ')} |`),
    ].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c: readonly string[]): string =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

export const status: Command = {
  name: 'status',
  usage: 'krate-policy status [--today YYYY-MM-DD] [--format table|markdown|json] [--repo <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['today', 'format', 'repo'] }, this.usage);
    const today = parseToday(parsed.flags.get('today'));
    const format = enumFlag(parsed, 'format', FORMATS, 'table');
    const { rollout } = workingRollout(repoFlag(parsed));
    console.log(renderStatus(statusBoard(rollout, today, repositoryTemplates()), today, format));
    return 0;
  },
};
