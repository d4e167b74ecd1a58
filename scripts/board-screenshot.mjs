// Regenerates docs/board.png, the README's picture of the HTML board: `krate-policy status --format
// html` over the committed rollout and example evidence, on the day of the latest snapshot, rendered
// by the system's Chromium (Debian's package; nothing is downloaded) through playwright-core.
// Run: npm run board:screenshot
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'board.png');

const browser = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'chromium'))
  .find((p) => existsSync(p));
if (!browser) {
  console.error('board:screenshot: chromium is not on PATH; install it with apt-get install chromium');
  process.exit(2);
}

// The day of the latest committed snapshot, so the picture does not change with the clock.
const today = ['dev', 'staging', 'prod']
  .flatMap((env) => (existsSync(join(ROOT, 'evidence', env)) ? readdirSync(join(ROOT, 'evidence', env)) : []))
  .map((f) => f.replace(/\.json$/, ''))
  .sort()
  .pop();
if (!today) {
  console.error('board:screenshot: no evidence under evidence/; run npm run evidence:example first');
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), 'krate-board-'));
try {
  const html = join(tmp, 'board.html');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, '.build', 'cli', 'main.mjs'), 'status', '--format', 'html', '--today', today, '--out', html],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`krate-policy status failed:\n${r.stdout}${r.stderr}`);
  const b = await chromium.launch({ executablePath: browser, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await b.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(html).href);
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await b.close();
  }
  console.log(`board:screenshot: wrote ${OUT} (status --today ${today})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
