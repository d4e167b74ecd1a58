// The per-environment plan: which templates render in an environment, in which mode, with or
// without an Audit twin, under which names, and which exceptions reference them. Computed once,
// in planEnvironment, and carried on the resolved environment; constructs only read it.
import type { ExceptionRequest } from '../environments/types';
import { LADDER_ENVIRONMENTS, modeAt, type LadderEnvironment, type PolicyMode } from '../lib/ladder';
import { POLICY_SCOPES, policyName, type PolicyScope } from '../policies/naming';
import { policyKindOf, type RenderPolicyOptions } from '../policies/render';
import type { PolicyKind, PolicyTemplate } from '../policies/template';
import type { EnvironmentSettings } from './environment';
import { auditOverrideNamespaces, PROTECTED_NAMESPACES, policyNamespaceSelector } from './exclusions';
import { stageOf, type Rollout } from './rollout';

/** One policy an environment gets: the template and everything renderPolicy needs. */
export interface PlannedPolicy {
  readonly template: PolicyTemplate;
  /** The generated name, `krate-{org}-{scope}-{template}`. */
  readonly name: string;
  readonly kind: PolicyKind;
  readonly mode: PolicyMode;
  readonly scope: PolicyScope;
  readonly options: RenderPolicyOptions;
}

/** A Kyverno policy a PolicyException names (Kyverno matches a ref by kind and name). */
export interface PolicyRef {
  readonly name: string;
  readonly kind: PolicyKind;
}

/** One exception request of the environment, with the generated policies it bypasses. */
export interface PlannedException {
  readonly request: ExceptionRequest;
  readonly policyRefs: readonly PolicyRef[];
}

export interface EnvironmentPlan {
  /** Template order; an enforcing template with audit overrides is followed by its Audit twin. */
  readonly policies: readonly PlannedPolicy[];
  /** Sorted by name; only exceptions whose template renders here. */
  readonly exceptions: readonly PlannedException[];
}

/** What a template does in an environment: undefined (not rendered), Audit or Enforce. */
export function templateMode(rollout: Rollout, template: string, env: string): PolicyMode | undefined {
  if (!(LADDER_ENVIRONMENTS as readonly string[]).includes(env)) return undefined;
  return modeAt(stageOf(rollout, template), env as LadderEnvironment);
}

/**
 * The plan of one environment: each template from its audit rung on, in the mode its rung gives,
 * with the environment's exclusions. A template that enforces but keeps some namespaces in audit
 * renders twice (CEL policies have no failureActionOverrides): the Enforce policy excludes those
 * namespaces, its Audit twin matches only them.
 */
export function planEnvironment(
  env: EnvironmentSettings,
  rollout: Rollout,
  templates: readonly PolicyTemplate[],
  exceptions: readonly ExceptionRequest[],
): EnvironmentPlan {
  const policies: PlannedPolicy[] = [];
  for (const template of templates) {
    const mode = templateMode(rollout, template.name, env.name);
    if (!mode) continue;
    const entry = rollout[template.name];
    const overrides = mode === 'Enforce' ? auditOverrideNamespaces(env, template.name, entry?.auditNamespaces ?? []) : [];
    const planned = (scope: PolicyScope, scopeMode: PolicyMode): PlannedPolicy => ({
      template,
      name: policyName(env.org, scope, template.name),
      kind: policyKindOf(template),
      mode: scopeMode,
      scope,
      options: {
        org: env.org,
        mode: scopeMode,
        scope,
        namespaceSelector: policyNamespaceSelector(env, template.name, scope, overrides),
        parameters: entry?.parameters,
        parametersPath: `environments/rollout.ts: ROLLOUT['${template.name}'].parameters`,
      },
    });
    policies.push(planned(POLICY_SCOPES.cluster, mode));
    if (overrides.length > 0) policies.push(planned(POLICY_SCOPES.auditOverride, 'Audit'));
  }
  const planned = exceptions
    .filter((e) => e.environment === env.name)
    .map((request) => ({
      request,
      policyRefs: policies.filter((p) => p.template.name === request.template).map((p) => ({ name: p.name, kind: p.kind })),
    }))
    .filter((e) => e.policyRefs.length > 0)
    .sort((a, b) => (a.request.name < b.request.name ? -1 : 1));
  return { policies, exceptions: planned };
}

/**
 * Every template with default parameters, in Audit, excluding only the protected system
 * namespaces: what `scan --all-templates` evaluates.
 */
export function planAllTemplates(templates: readonly PolicyTemplate[], org = 'scan'): PlannedPolicy[] {
  const namespaceSelector = {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn' as const, values: [...PROTECTED_NAMESPACES] }],
  };
  return templates.map((template) => ({
    template,
    name: policyName(org, POLICY_SCOPES.cluster, template.name),
    kind: policyKindOf(template),
    mode: 'Audit',
    scope: POLICY_SCOPES.cluster,
    options: { org, mode: 'Audit', namespaceSelector },
  }));
}
