import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../environments/types';
import { AppChart } from './app-chart';
import { environmentPolicies } from '../policies/render';

export interface KratePoliciesProps {
  readonly env: ResolvedEnvironment;
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'policies'
   */
  readonly app?: string;
}

/**
 * The environment's active policies as `policies.kyverno.io/v1` ValidatingPolicy objects: every
 * template from its audit rung on, in its mode, with the environment's namespace exclusions.
 */
export class KratePolicies extends AppChart {
  /** Number of policies rendered (0 when no template has reached this environment's audit rung). */
  readonly count: number;

  constructor(scope: Construct, id: string, props: KratePoliciesProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'policies' });
    const policies = environmentPolicies(props.env);
    for (const p of policies) new ApiObject(this, p.metadata.name, p as never);
    this.count = policies.length;
  }
}
