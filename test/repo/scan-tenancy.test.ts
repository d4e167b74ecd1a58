// Repository-level check, on purpose over the real dev environment: the committed shop checkout
// binding reaches `scan --env` through the CLI, for its repository's objects only. The rule itself
// is tested on fixture data in test/analysis/scan-tenancy.test.ts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

const pod = (name: string, ns: string, labels: Record<string, string> = {}) =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}\nspec: {containers: [{name: c, image: 'nginx:1.27'}]}\n`;

describe('krate-policy scan --env (CLI, the real dev environment)', () => {
  it("reports the shop checkout repository's binding for its objects only", () => {
    const input = [
      pod('checkout-web', 'shop', { team: 'a', app: 'b', 'krate.a5c.ai/repository': 'checkout' }),
      pod('catalog-web', 'shop', { team: 'a', app: 'b', 'krate.a5c.ai/repository': 'catalog' }),
    ].join('');
    const r = spawnSync(process.execPath, [join(REPO_ROOT, '.build', 'cli', 'main.mjs'), 'scan', '--env', 'dev', '--output', 'json', '-'], {
      encoding: 'utf8',
      input,
      cwd: REPO_ROOT,
    });
    const out = JSON.parse(r.stdout) as { results: { policy: string; resource: { name: string }; result: string }[] };
    expect(
      out.results.filter((x) => x.policy === 'krate-shop-repo-checkout-require-labels').map((x) => [x.resource.name, x.result]),
    ).toEqual([['checkout-web', 'fail']]);
  });
});
