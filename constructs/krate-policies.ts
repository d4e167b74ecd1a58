import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../config/resolve';
import {
  ImageValidatingPolicy,
  ValidatingPolicy,
  type ImageValidatingPolicySpec,
  type ValidatingPolicySpec,
} from '../imports/policies.kyverno.io';
import { renderPolicy } from '../policies/render';
import { AppChart } from './app-chart';
import { checkSerializedSpec } from './typed-json';

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
    for (const p of props.env.plan.policies) {
      // renderPolicy's output is plain data (scan, validate and the CEL check read the same objects),
      // under the CRD's field names, which the generated classes use too for every field a template
      // renders; checkSerializedSpec proves the typed object writes the rendered spec back unchanged.
      const rendered = renderPolicy(p.template, p.options);
      const metadata = rendered.metadata;
      const policy =
        rendered.kind === ImageValidatingPolicy.GVK.kind
          ? new ImageValidatingPolicy(this, p.name, { metadata, spec: rendered.spec as ImageValidatingPolicySpec })
          : new ValidatingPolicy(this, p.name, { metadata, spec: rendered.spec as ValidatingPolicySpec });
      if (rendered.apiVersion !== policy.apiVersion || rendered.kind !== policy.kind) {
        throw new Error(
          `template ${p.template.name}: renders ${rendered.apiVersion} ${rendered.kind}, not ${policy.apiVersion} ${policy.kind}`,
        );
      }
      checkSerializedSpec(policy, rendered.spec, `policy ${rendered.metadata.name} (template ${p.template.name})`);
    }
  }
}
