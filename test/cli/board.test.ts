// The HTML board: self-contained, escaped, written only where asked, and rendered by a real
// headless Chromium (Debian's package; playwright-core drives it, downloading nothing).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderBoardHtml, sparkline, trendText } from '../../cli/board';
import { escapeHtml } from '../../lib/xml';
import type { StatusRow } from '../../config/rollout';
import { REPO_ROOT } from '../../lib/paths';
import { TEMPLATES } from '../../policies';
import { cleanEvidence, snapshotOf } from '../support/evidence';
import { CHROMIUM, describeWithTool } from '../support/external-tool';
import { fixtureRepo } from '../support/fixture-repo';

const CLI = join(REPO_ROOT, '.build', 'cli', 'main.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

let repo: string;
let page: string;
beforeAll(() => {
  // Clean evidence everywhere, plus a failing, rising trend for one template in dev.
  const dev = ['2026-11-08', '2026-11-15', '2026-11-22'].map((d, i) => snapshotOf('dev', d, { 'require-resource-limits': [1, 4, 2][i] }));
  repo = fixtureRepo({ evidence: [...cleanEvidence().filter((s) => s.environment !== 'dev'), ...dev] });
  page = join(repo, 'board.html');
  const r = cli('status', '--repo', repo, '--today', '2026-11-22', '--format', 'html', '--out', page);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`status: wrote ${page} (html, 2026-11-22)`);
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const row = (over: Partial<StatusRow>): StatusRow => ({
  template: 'require-labels',
  pack: 'best-practices',
  stage: 'audit:prod',
  since: '2026-11-01',
  daysInStage: 21,
  modes: { dev: 'Audit', staging: 'Audit', prod: 'Audit' },
  auditNamespaces: [],
  next: { stage: 'enforce:dev', date: '2026-11-08' },
  trend: {},
  ...over,
});

describe('the board page', () => {
  it('loads nothing from anywhere: no script, no external reference, a CSP that forbids it', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    for (const banned of ['<script', ' src=', ' href=', 'url(', '@import', '<link', '<iframe', '<img'])
      expect([banned, html.includes(banned)]).toEqual([banned, false]);
  });

  it('escapes every piece of data', () => {
    const hostile = row({
      template: '<img src=x onerror=alert(1)>',
      pack: '"packs" & <b>',
      auditNamespaces: ['<ns>'],
      modes: { dev: 'Enforce', staging: 'Audit', prod: undefined },
      next: { stage: 'enforce:staging', blocked: ['<script>alert(1)</script>'] },
      trend: { dev: [{ date: '2026-11-01', failing: 3, results: 4 }] },
    });
    const html = renderBoardHtml([hostile], '2026-11-22');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;packs&quot; &amp; &lt;b&gt;');
    expect(html).toContain('Audit: &lt;ns&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`a'b"c`)).toBe('a&#39;b&quot;c');
  });

  it('draws each trend as an SVG line named by its numbers', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('aria-label="failing results in dev: 2026-11-08 1, 2026-11-15 4, 2026-11-22 2"');
    expect(html).toContain(
      '<strong>enforce:dev blocked</strong><small>latest snapshot 2026-11-22: 2 failing result(s), at most 0 allowed</small>',
    );
  });

  it('fails when --out names a directory, and leaves it alone', () => {
    const dir = join(repo, 'out-dir');
    mkdirSync(dir);
    const r = cli('status', '--repo', repo, '--format', 'html', '--out', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${dir}: is a directory; name a file to write`);
  });
});

describe('the markdown trend', () => {
  it('scales sparklines to the series and shows the latest count', () => {
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([8, 4, 0, 1])).toBe('█▅▁▂');
    expect(
      trendText(
        row({
          trend: {
            dev: [
              { date: '2026-11-01', failing: 2, results: 2 },
              { date: '2026-11-08', failing: 0, results: 2 },
            ],
          },
        }),
      ),
    ).toBe('dev █▁ 0');
    expect(trendText(row({}))).toBe('—');
  });
});

describeWithTool(CHROMIUM, 'the board in headless Chromium', (executablePath) => {
  it('loads without errors or network requests and shows every template', async () => {
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      tab.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(page).href;
      const response = await tab.goto(url, { waitUntil: 'load' });
      expect(response?.ok()).toBe(true);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await tab.title()).toBe('Policy rollout board, 2026-11-22');
      const names = await tab.locator('td.template').allTextContents();
      expect([...names].sort()).toEqual(TEMPLATES.map((t) => t.name).sort());
      // Every trend is drawn and has an accessible name; the table says what it is.
      const trends = tab.locator('svg.trend');
      expect(await trends.count()).toBe(TEMPLATES.length * 3);
      expect(await tab.locator('svg.trend:not([aria-label])').count()).toBe(0);
      expect(await tab.locator('table caption').textContent()).toContain('Template × environment');
      expect(await tab.locator('html').getAttribute('lang')).toBe('en');
      // The rising trend in dev is drawn red and its refusal is visible.
      expect(await tab.locator('tr', { hasText: 'require-resource-limits' }).locator('svg.trend.bad').count()).toBe(1);
      await expect(tab.locator('tr', { hasText: 'require-resource-limits' }).locator('td.next').textContent()).resolves.toContain(
        'enforce:dev blocked',
      );
    } finally {
      await browser.close();
    }
  });
});
