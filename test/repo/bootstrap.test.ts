import { repositorySources } from '../../cli/sources';
import { resolveConfig } from '../../config/resolve';
import { parseManifests } from '../../lib/manifests';
import { formatFinding, SchemaValidator } from '../../analysis/schema';
import { BOOTSTRAP_DIR, renderBootstrap, renderEnvironments } from '../../synth/synth';
import { compareTrees, isSame, readTree } from '../../lib/tree';

describe('apps/bootstrap (generated root Application per environment)', () => {
  const config = resolveConfig(repositorySources());
  const dist = renderEnvironments(config);
  const bootstrap = renderBootstrap(config, dist);

  it('has one file per environment holding the root AppProject and root Application, and the argocd-cm health patch', () => {
    expect([...bootstrap.keys()]).toEqual(['dev.yaml', 'staging.yaml', 'prod.yaml', 'argocd-cm-health.yaml']);
    const docs = parseManifests(bootstrap.get('prod.yaml')!, 'prod.yaml').map((d) => `${d.manifest.kind}/${d.manifest.metadata.name}`);
    expect(docs).toEqual(['AppProject/krate-prod-root', 'Application/krate-prod-root']);
  });

  it('is a copy of what dist/ holds, so the self-managed root app never disagrees with it', () => {
    const fromDist = parseManifests(dist.get('prod/app-of-apps/application-krate-prod-root.yaml')!, 'dist');
    const fromBootstrap = parseManifests(bootstrap.get('prod.yaml')!, 'bootstrap').filter((d) => d.manifest.kind === 'Application');
    expect(fromBootstrap.map((d) => d.manifest)).toEqual(fromDist.map((d) => d.manifest));
  });

  it('matches the committed apps/bootstrap/ (drift check)', () => {
    const diff = compareTrees(readTree(BOOTSTRAP_DIR), bootstrap);
    if (!isSame(diff)) {
      throw new Error(
        `apps/bootstrap/ is out of date: ${JSON.stringify(diff)}\nFix: run \`npm run synth\` and commit apps/bootstrap/ with the change.`,
      );
    }
  });

  it('passes schema validation', async () => {
    const items = [...bootstrap].flatMap(([file, text]) => parseManifests(text, `apps/bootstrap/${file}`));
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });
});
