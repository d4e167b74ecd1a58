import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../config/resolve';
import { renderPolicy } from '../policies/render';
import { AppChart } from './app-chart';

export interface KratePoliciesProps {
  /** The environment; its plan says which policies render, in which mode. */
  readonly env: ResolvedEnvironment;
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'policies'
   */
  readonly app?: string;
}

/**
 * The environment's planned policies as `policies.kyverno.io/v1` ValidatingPolicy (and
 * ImageValidatingPolicy) objects: every template from its audit rung on, in its mode, with the
 * environment's namespace exclusions.
 */
export class KratePolicies extends AppChart {
  constructor(scope: Construct, id: string, props: KratePoliciesProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'policies' });
    for (const p of props.env.plan.policies) new ApiObject(this, p.name, renderPolicy(p.template, p.options) as never);
  }
}
