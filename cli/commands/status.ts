import { resolve } from 'node:path';
import { parseToday } from '../../lib/dates';
import { LADDER_ENVIRONMENTS } from '../../lib/ladder';
import { statusBoard, type StatusRow } from '../../config/rollout';
import { nextText, renderBoardHtml, trendText } from '../board';
import { evidenceGate, repoFlag, workingRollout } from '../rollout';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';
import { repositoryTemplates } from '../sources';
import { writeFileAtomic } from '../support';

const FORMATS = ['table', 'markdown', 'json', 'html'] as const;

/** Cells of one row, shared by the table and markdown formats. */
function cells(row: StatusRow, today: string): string[] {
  const modes = LADDER_ENVIRONMENTS.map((env) => {
    const mode = row.modes[env];
    if (!mode) return '—';
    return mode === 'Enforce' && row.auditNamespaces.length > 0 ? `Enforce (Audit: ${row.auditNamespaces.join(', ')})` : mode;
  });
  return [row.template, row.stage, ...modes, row.daysInStage === undefined ? '—' : String(row.daysInStage), nextText(row, today)];
}

export function renderStatus(rows: readonly StatusRow[], today: string, format: (typeof FORMATS)[number]): string {
  const header = ['template', 'stage', ...LADDER_ENVIRONMENTS, 'days in stage', 'next promotion'];
  const body = rows.map((r) => cells(r, today));
  if (format === 'json') return JSON.stringify({ today, templates: rows }, null, 2);
  if (format === 'html') return renderBoardHtml(rows, today);
  if (format === 'markdown') {
    // The trend (failing results per snapshot) only here: a pull-request comment has room for it.
    const md = [...header, 'failing trend'];
    return [
      `Rollout ladder on ${today} (\`npx krate-policy status --format markdown\`)`,
      '',
      `| ${md.join(' | ')} |`,
      `| ${md.map(() => '---').join(' | ')} |`,
      ...body.map(
        (c, i) => `| ${[...c, trendText(rows[i])].map((x, j) => (j === 0 ? `\`${x}\`` : x.replace(/\|/g, '\\|'))).join(' | ')} |`,
      ),
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
  usage: 'krate-policy status [--today YYYY-MM-DD] [--format table|markdown|json|html] [--out <file>] [--repo <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['today', 'format', 'repo', 'out'] }, this.usage);
    const today = parseToday(parsed.flags.get('today'));
    const format = enumFlag(parsed, 'format', FORMATS, 'table');
    const repo = repoFlag(parsed);
    const { rollout } = workingRollout(repo);
    const text = renderStatus(statusBoard(rollout, today, repositoryTemplates(), evidenceGate(repo).gate), today, format);
    const out = parsed.flags.get('out');
    if (typeof out !== 'string') {
      console.log(text);
      return 0;
    }
    // The user's explicit target: replaced whole (atomically), never a directory.
    writeFileAtomic(resolve(out), text.endsWith('\n') ? text : `${text}\n`);
    console.log(`status: wrote ${out} (${format}, ${today})`);
    return 0;
  },
};
