import type { EnvironmentConfig, KyvernoMode } from '../../environments/types';
import { renderManifests } from '../../synth/synth';
import { resolveFixture } from '../support/fixtures';
import { editableEnvironment } from '../support/config-errors';

/** Staging (it has policies and exceptions) with another Kyverno mode. */
function stagingWith(mode: KyvernoMode, extra: Record<string, unknown> = {}): EnvironmentConfig {
  const env = editableEnvironment('staging');
  env.kyverno = { ...env.kyverno, mode, ...extra };
  return env as EnvironmentConfig;
}
const appsOf = (config: EnvironmentConfig): string[] =>
  [...new Set(renderManifests(resolveFixture({ environments: [config] })).map((r) => r.app))].sort();
const childApps = (config: EnvironmentConfig): string[] =>
  renderManifests(resolveFixture({ environments: [config] }))
    .filter((r) => r.app === 'app-of-apps' && r.manifest.kind === 'Application')
    .map((r) => r.manifest.metadata.name)
    .sort();

describe('the application catalog follows the Kyverno mode', () => {
  it.each(['byo', 'managed'] as const)('gives a %s environment its policies and policy-exceptions apps', (mode) => {
    expect(appsOf(stagingWith(mode))).toEqual(expect.arrayContaining(['krate-kyverno', 'policies', 'policy-exceptions']));
  });

  // Without Kyverno's CRDs Argo CD could never sync ValidatingPolicies or PolicyExceptions; auto is
  // read-only until Krate finds a Kyverno at runtime, which synth cannot know.
  it.each(['disabled', 'auto'] as const)(
    'renders no policies or policy-exceptions app (nor their Applications) for a %s environment',
    (mode) => {
      const config = stagingWith(mode, { requireForEnforceMode: false });
      // Krate's model (templates and profiles) renders anyway: it needs only Krate's CRDs.
      expect(appsOf(config)).toEqual(['app-of-apps', 'krate-kyverno', 'krate-model']);
      expect(childApps(config)).toEqual(['staging-krate-kyverno', 'staging-krate-model', 'krate-staging-root'].sort());
    },
  );
});
