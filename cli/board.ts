// The ladder board as people read it: one self-contained HTML page (inline CSS and SVG, no script,
// no network: its Content-Security-Policy forbids loading anything) and the compact sparkline trend
// the markdown board shows in pull requests. Every piece of data is HTML-escaped.
import type { StatusRow } from '../config/rollout';
import type { EvidencePoint } from '../config/evidence';
import { daysBetween } from '../lib/dates';
import { LADDER_ENVIRONMENTS, STAGES, type LadderEnvironment } from '../lib/ladder';
import { escapeHtml } from '../lib/xml';

const BARS = '▁▂▃▄▅▆▇█';

/** Failing results per snapshot as sparkline characters, scaled to the series' own maximum (all ▁ when nothing failed). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => BARS[max === 0 ? 0 : Math.round((v / max) * (BARS.length - 1))]).join('');
}

/** The trend cell of the markdown board: `dev ▅▃▁ 0 · prod ▁▁ 0` (the number is the latest snapshot's failing results). */
export function trendText(row: StatusRow, maxPoints = 8): string {
  const parts = LADDER_ENVIRONMENTS.flatMap((env) => {
    const points = row.trend[env];
    if (!points) return [];
    const shown = points.slice(-maxPoints);
    return [`${env} ${sparkline(shown.map((p) => p.failing))} ${shown[shown.length - 1].failing}`];
  });
  return parts.length > 0 ? parts.join(' · ') : '—';
}

/** The next-promotion cell: the rung and when, or what in the evidence blocks it. */
export function nextText(row: StatusRow, today: string): string {
  const next = row.next;
  if (!next) return '—';
  if (next.blocked)
    return `${next.stage} blocked: ${next.blocked[0]}${next.blocked.length > 1 ? ` (+${next.blocked.length - 1} more)` : ''}`;
  return `${next.stage} ${!next.date || next.date <= today ? 'now' : `from ${next.date}`}`;
}

const W = 112;
const H = 34;
const PAD = 4;

/** The days every trend on the board is drawn over, so the same x is the same day in every cell. */
interface TimeAxis {
  readonly first: string;
  readonly span: number;
}

/** A small line chart of failing results over the snapshots' dates, with its numbers as the accessible name and tooltip. */
function trendSvg(env: LadderEnvironment, points: readonly EvidencePoint[], axis: TimeAxis): string {
  const label = `failing results in ${env}: ${points.map((p) => `${p.date} ${p.failing}`).join(', ')}`;
  const { first, span } = axis;
  const max = Math.max(1, ...points.map((p) => p.failing));
  const xy = points.map((p) => {
    const x = PAD + ((W - 2 * PAD - 22) * daysBetween(first, p.date)) / span;
    const y = H - PAD - ((H - 2 * PAD) * p.failing) / max;
    return [Number(x.toFixed(1)), Number(y.toFixed(1))] as const;
  });
  const last = points[points.length - 1];
  const tone = last.failing === 0 ? 'ok' : 'bad';
  const dots = xy.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="2"/>`).join('');
  return (
    `<svg class="trend ${tone}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">` +
    `<title>${escapeHtml(label)}</title>` +
    `<line class="base" x1="${PAD}" y1="${H - PAD}" x2="${W - PAD - 22}" y2="${H - PAD}"/>` +
    `<polyline points="${xy.map(([x, y]) => `${x},${y}`).join(' ')}"/>${dots}` +
    `<text x="${W - PAD}" y="${H / 2 + 4}" text-anchor="end">${last.failing}</text></svg>`
  );
}

/** The seven rungs with the template's position marked; the text says it too. */
function ladderSvg(stage: StatusRow['stage']): string {
  const at = STAGES.indexOf(stage);
  const cells = STAGES.map((s, i) => {
    const kind = i === 0 ? 'draft' : s.startsWith('audit:') ? 'audit' : 'enforce';
    return `<rect class="${kind}${i <= at ? ' on' : ''}${i === at ? ' here' : ''}" x="${i * 15}" y="2" width="13" height="10" rx="2"/>`;
  }).join('');
  return `<svg class="ladder" viewBox="0 0 105 14" width="105" height="14" aria-hidden="true">${cells}</svg>`;
}

const CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --audit: #9a6700; --audit-bg: #fff8c5;
  --enforce: #1a7f37; --enforce-bg: #dafbe1; --bad: #cf222e; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
p.meta { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding-bottom: 8px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: middle; }
thead th { position: sticky; top: 0; background: #f6f8fa; font-weight: 600; }
th.pack { background: #f6f8fa; font-weight: 600; color: var(--muted); padding-top: 14px; }
td.template { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; white-space: nowrap; }
.stage { display: flex; align-items: center; gap: 8px; white-space: nowrap; }
.mode { display: inline-block; white-space: nowrap; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.mode.Audit { color: var(--audit); background: var(--audit-bg); }
.mode.Enforce { color: var(--enforce); background: var(--enforce-bg); }
.mode.none { color: var(--muted); }
.env { display: flex; align-items: center; gap: 8px; }
.modes { display: flex; flex-direction: column; align-items: flex-start; min-width: 62px; }
.modes small { color: var(--muted); font-size: 11px; white-space: nowrap; }
svg { flex-shrink: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.blocked { color: var(--bad); }
td.next { min-width: 230px; }
td.next small { display: block; font-size: 12px; }
.ready { color: var(--ok); font-weight: 600; }
.waiting { color: var(--muted); }
svg.ladder rect { fill: #fff; stroke: var(--line); }
svg.ladder rect.audit.on { fill: #d4a72c; stroke: #d4a72c; }
svg.ladder rect.enforce.on { fill: #2da44e; stroke: #2da44e; }
svg.ladder rect.draft.on { fill: #8c959f; stroke: #8c959f; }
svg.ladder rect.here { stroke: var(--ink); stroke-width: 1.5; }
svg.trend polyline { fill: none; stroke-width: 1.8; }
svg.trend circle { stroke: none; }
svg.trend line.base { stroke: var(--line); }
svg.trend text { font-size: 11px; font-weight: 600; }
svg.trend.ok polyline { stroke: var(--ok); } svg.trend.ok circle, svg.trend.ok text { fill: var(--ok); }
svg.trend.bad polyline { stroke: var(--bad); } svg.trend.bad circle, svg.trend.bad text { fill: var(--bad); }
.legend { display: flex; gap: 16px; color: var(--muted); margin: 0 0 12px; flex-wrap: wrap; }
`;

/** The whole page: template × environment, grouped by pack, for the given day. */
export function renderBoardHtml(rows: readonly StatusRow[], today: string): string {
  const packs = [...new Set(rows.map((r) => r.pack))];
  const dates = rows.flatMap((r) => Object.values(r.trend).flatMap((ps) => (ps ?? []).map((p) => p.date))).sort();
  const axis: TimeAxis =
    dates.length > 0 ? { first: dates[0], span: Math.max(1, daysBetween(dates[0], dates[dates.length - 1])) } : { first: today, span: 1 };
  const range = dates.length > 0 ? ` from ${dates[0]} to ${dates[dates.length - 1]}` : '';
  const head = ['template', 'stage', ...LADDER_ENVIRONMENTS, 'days in stage', 'next promotion'];
  const body = packs.flatMap((pack) => [
    `<tr><th class="pack" colspan="${head.length}" scope="rowgroup">${escapeHtml(pack)}</th></tr>`,
    ...rows.filter((r) => r.pack === pack).map((r) => rowHtml(r, today, axis)),
  ]);
  const enforcing = rows.filter((r) => r.stage.startsWith('enforce:')).length;
  const ready = rows.filter((r) => r.next && !r.next.blocked && (!r.next.date || r.next.date <= today)).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Policy rollout board, ${escapeHtml(today)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Policy rollout board</h1>
<p class="meta">${rows.length} templates on ${escapeHtml(today)}: ${enforcing} enforcing somewhere, ${ready} may take their next step now. Trends show failing results (fail + error) per snapshot in <code>evidence/&lt;env&gt;/</code>${escapeHtml(range)}. Made by <code>npx krate-policy status --format html</code>.</p>
<p class="legend"><span><span class="mode Audit">Audit</span> reports only</span><span><span class="mode Enforce">Enforce</span> denies</span><span>ladder: draft → audit:dev → audit:staging → audit:prod → enforce:dev → enforce:staging → enforce:prod</span></p>
<table>
<caption>Template × environment: ladder position, mode and failing-result trend per environment, days in stage and the next promotion the graduation criteria and evidence allow.</caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</main>
</body>
</html>
`;
}

/** The next-promotion cell: the rung and when; when blocked, each reason on its own line. */
function nextHtml(r: StatusRow, text: string): string {
  if (!r.next?.blocked) return escapeHtml(text);
  return `<strong>${escapeHtml(r.next.stage)} blocked</strong>${r.next.blocked.map((b) => `<small>${escapeHtml(b)}</small>`).join('')}`;
}

function rowHtml(r: StatusRow, today: string, axis: TimeAxis): string {
  const envs = LADDER_ENVIRONMENTS.map((env) => {
    const mode = r.modes[env];
    const audit =
      mode === 'Enforce' && r.auditNamespaces.length > 0 ? `<small>Audit: ${escapeHtml(r.auditNamespaces.join(', '))}</small>` : '';
    const points = r.trend[env];
    return `<td><div class="env"><span class="modes"><span class="mode ${mode ?? 'none'}">${mode ?? '—'}</span>${audit}</span>${points ? trendSvg(env, points, axis) : ''}</div></td>`;
  });
  const next = nextText(r, today);
  const tone = !r.next ? 'waiting' : r.next.blocked ? 'blocked' : !r.next.date || r.next.date <= today ? 'ready' : 'waiting';
  const title = r.next?.blocked ? ` title="${escapeHtml(r.next.blocked.join('; '))}"` : '';
  return (
    `<tr><td class="template">${escapeHtml(r.template)}</td>` +
    `<td><div class="stage">${ladderSvg(r.stage)}<span>${escapeHtml(r.stage)}</span></div></td>` +
    envs.join('') +
    `<td class="num">${r.daysInStage === undefined ? '—' : r.daysInStage}</td>` +
    `<td class="next ${tone}"${title}>${nextHtml(r, next)}</td></tr>`
  );
}
