import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { ResolvedEnvironment } from '../environments/types';
import { CHARTS_DIR } from '../lib/paths';
import { AppChart } from './app-chart';
import { HelmRelease } from './helm-release';

export interface KrateKyvernoProps {
  readonly env: ResolvedEnvironment;
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'krate-kyverno'
   */
  readonly app?: string;
}

/** Builds the krate-kyverno chart values from an environment: the one place they are mapped. */
export function krateKyvernoValues(env: ResolvedEnvironment): Record<string, unknown> {
  const k = env.kyverno;
  return {
    externalDependencies: {
      kyverno: {
        mode: k.mode,
        namespace: k.namespace,
        policyNamespace: k.policyNamespace,
        managed: { enabled: k.mode === 'managed', targetRevision: k.managed.chartVersion },
      },
    },
  };
}

/** Krate's Kyverno integration: charts/krate-kyverno rendered with this environment's values. */
export class KrateKyverno extends AppChart {
  constructor(scope: Construct, id: string, props: KrateKyvernoProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'krate-kyverno' });
    new HelmRelease(this, 'chart', {
      chart: join(CHARTS_DIR, 'krate-kyverno'),
      releaseName: 'krate-kyverno',
      namespace: props.env.krate.namespace,
      values: krateKyvernoValues(props.env),
    });
  }
}
