import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { helm } from '../../lib/helm';
import { parseManifests } from '../../lib/manifests';
import { CHARTS_DIR } from '../../lib/paths';

const charts = readdirSync(CHARTS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe.each(charts)('chart %s', (chart) => {
  const dir = join(CHARTS_DIR, chart);

  it('passes helm lint --strict', () => {
    const r = helm(['lint', '--strict', dir]);
    expect(r.stderr + r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders with helm template into parseable Kubernetes objects', () => {
    const r = helm(['template', 'release', dir, '--namespace', 'krate-system']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(parseManifests(r.stdout, `${chart} (helm template)`).length).toBeGreaterThan(0);
  });
});
