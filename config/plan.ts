// The per-environment plan: which templates render in an environment, in which mode, with or
// without an Audit twin, under which names, and which exceptions reference them. Computed once,
// in planEnvironment, and carried on the resolved environment; constructs only read it.
import { DEFAULT_PROFILE, type ExceptionRequest } from '../environments/types';
import { LADDER_ENVIRONMENTS, modeAt, type LadderEnvironment, type PolicyMode } from '../lib/ladder';
import type { LabelSelector } from '../lib/manifests';
import { POLICY_SCOPES, policyName, type PolicyScope } from '../policies/naming';
import { joinSelectors, policyKindOf, type RenderPolicyOptions } from '../policies/render';
import type { PolicyKind, PolicyTemplate } from '../policies/template';
import type { EnvironmentSettings } from './environment';
import { auditOverrideNamespaces, PROTECTED_NAMESPACES, policyNamespaceSelector } from './exclusions';
import { stageOf, type Rollout } from './rollout';
import { expandBindings, orgUiPath, profileTemplates, type Binding, type Profile, type ResolvedOrg } from './tenancy';

/** One policy an environment gets: the template, everything renderPolicy needs, and the PolicyBinding it comes from. */
export interface PlannedPolicy {
  readonly template: PolicyTemplate;
  /** The generated name, `krate-{org}-{scope}-{template}`; also its PolicyBinding's name. */
  readonly name: string;
  readonly kind: PolicyKind;
  readonly mode: PolicyMode;
  /** `cluster`, `audit` (the Audit twin), `org` or `repo-<name>`. */
  readonly scope: string;
  readonly org: ResolvedOrg;
  readonly profile: Profile;
  /** The configured binding (undefined for the platform org's cluster-scope policies, which its profile binds). */
  readonly binding?: Binding;
  /** Namespace of the PolicyBinding (the org's home namespace). */
  readonly bindingNamespace: string;
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
  /** The org whose policies it bypasses. */
  readonly org: ResolvedOrg;
  readonly policyRefs: readonly PolicyRef[];
}

export interface EnvironmentPlan {
  /** Template order; an enforcing template with audit overrides is followed by its Audit twin. */
  readonly policies: readonly PlannedPolicy[];
  /** Sorted by name; only exceptions whose template renders here. */
  readonly exceptions: readonly PlannedException[];
  /** The templates the ladder renders here (from their audit rung on): each gets a PolicyTemplate in Krate's model. */
  readonly templates: readonly PolicyTemplate[];
}

/** What a template does in an environment: undefined (not rendered), Audit or Enforce. */
export function templateMode(rollout: Rollout, template: string, env: string): PolicyMode | undefined {
  if (!(LADDER_ENVIRONMENTS as readonly string[]).includes(env)) return undefined;
  return modeAt(stageOf(rollout, template), env as LadderEnvironment);
}

/** The ladder's mode of a template here, capped by a profile's posture (an audit profile never enforces). */
function cappedMode(ladder: PolicyMode, profile: Profile): PolicyMode {
  return profile.posture === 'audit' ? 'Audit' : ladder;
}

/**
 * The plan of one environment. The platform org's profile renders cluster-wide: each of its
 * templates from its audit rung on, in the mode its rung gives, with the environment's exclusions.
 * A template that enforces but keeps some namespaces in audit renders twice (CEL policies have no
 * failureActionOverrides): the Enforce policy excludes those namespaces, its Audit twin matches
 * only them. Then every binding: the org's namespaces (or its namespace label), and for a
 * repository binding only objects carrying the repository label.
 */
export function planEnvironment(
  env: EnvironmentSettings,
  rollout: Rollout,
  templates: readonly PolicyTemplate[],
  exceptions: readonly ExceptionRequest[],
): EnvironmentPlan {
  const policies: PlannedPolicy[] = [];
  const platform = env.orgs.find((o) => o.platform)!;
  const platformProfile = env.profiles.find((p) => p.name === platform.profile)!;
  const ladder = (template: string): PolicyMode | undefined => templateMode(rollout, template, env.name);
  const planned = (
    template: PolicyTemplate,
    org: ResolvedOrg,
    profile: Profile,
    scope: string,
    mode: PolicyMode,
    match: Pick<RenderPolicyOptions, 'namespaceSelector' | 'objectSelector' | 'resourceRules'>,
    binding?: Binding,
  ): PlannedPolicy => {
    const entry = rollout[template.name];
    const name = policyName(org.slug, scope, template.name);
    return {
      template,
      name,
      kind: policyKindOf(template),
      mode,
      scope,
      org,
      profile,
      ...(binding ? { binding } : {}),
      bindingNamespace: org.home,
      options: {
        org: org.slug,
        mode,
        scope,
        ...match,
        parameters:
          binding && Object.keys(binding.parameters).length > 0 ? { ...entry?.parameters, ...binding.parameters } : entry?.parameters,
        parametersPath: binding
          ? `environments/${env.name}.ts: bindings (org ${org.slug}, ${template.name}).parameters`
          : `environments/rollout.ts: ROLLOUT['${template.name}'].parameters`,
        failurePolicy: profile.failurePolicy,
        contract: { binding: name, profile: profile.name, uiPath: org.uiPath },
      },
    };
  };
  for (const template of profileTemplates(platformProfile, templates)) {
    const rung = ladder(template.name);
    if (!rung) continue;
    const mode = cappedMode(rung, platformProfile);
    const entry = rollout[template.name];
    const overrides = mode === 'Enforce' ? auditOverrideNamespaces(env, template.name, entry?.auditNamespaces ?? []) : [];
    const at = (scope: PolicyScope) => ({ namespaceSelector: policyNamespaceSelector(env, template.name, scope, overrides) });
    policies.push(planned(template, platform, platformProfile, POLICY_SCOPES.cluster, mode, at(POLICY_SCOPES.cluster)));
    if (overrides.length > 0)
      policies.push(planned(template, platform, platformProfile, POLICY_SCOPES.auditOverride, 'Audit', at(POLICY_SCOPES.auditOverride)));
  }
  const fail = (path: string, message: string): never => {
    throw new Error(`planEnvironment: ${path}: ${message} (resolveConfig validates bindings first)`);
  };
  for (const b of expandBindings(env, templates, ladder, `environments.${env.name}`, fail)) {
    const overrides =
      b.mode === 'Enforce' ? auditOverrideNamespaces(env, b.template.name, rollout[b.template.name]?.auditNamespaces ?? []) : [];
    const namespaceSelector = joinSelectors(
      policyNamespaceSelector(env, b.template.name, POLICY_SCOPES.cluster, overrides),
      orgSelector(b.org),
    );
    policies.push(
      planned(
        b.template,
        b.org,
        b.profile,
        b.scope,
        b.mode,
        { namespaceSelector, objectSelector: b.objectSelector, resourceRules: b.resourceRules },
        b.binding,
      ),
    );
  }
  const planned2 = exceptions
    .filter((e) => e.environment === env.name)
    .flatMap((request) => {
      const org = env.orgs.find((o) => o.slug === (request.org ?? env.org));
      if (!org) return [];
      const policyRefs = policies
        .filter((p) => p.template.name === request.template && p.org.slug === org.slug)
        .map((p) => ({ name: p.name, kind: p.kind }));
      return policyRefs.length > 0 ? [{ request, org, policyRefs }] : [];
    })
    .sort((a, b) => (a.request.name < b.request.name ? -1 : 1));
  return { policies, exceptions: planned2, templates: templates.filter((t) => ladder(t.name) !== undefined) };
}

/** The namespaces an org's bindings match: its namespace label, or its namespaces by name. */
export function orgSelector(org: ResolvedOrg): LabelSelector {
  const l = org.namespaceLabel;
  if (l)
    return {
      matchExpressions: [
        l.values && l.values.length > 0 ? { key: l.key, operator: 'In', values: [...l.values].sort() } : { key: l.key, operator: 'Exists' },
      ],
    };
  return { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...org.namespaces].sort() }] };
}

/** The mode each org's policies of a template have here (undefined: none renders), for exception rules. */
export function orgTemplateMode(plan: readonly PlannedPolicy[], org: string, template: string): PolicyMode | undefined {
  const modes = plan.filter((p) => p.org.slug === org && p.template.name === template).map((p) => p.mode);
  return modes.includes('Enforce') ? 'Enforce' : modes[0];
}

/**
 * Every template with default parameters, in Audit, excluding only the protected system
 * namespaces: what `scan --all-templates` evaluates.
 */
export function planAllTemplates(templates: readonly PolicyTemplate[], org = 'scan'): PlannedPolicy[] {
  const namespaceSelector = {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn' as const, values: [...PROTECTED_NAMESPACES] }],
  };
  const owner: ResolvedOrg = {
    slug: org,
    profile: DEFAULT_PROFILE.name,
    namespaces: [],
    namespaceLabel: undefined,
    personas: { exceptionRequester: [], repoAdmin: [] },
    platform: true,
    home: '',
    uiPath: orgUiPath(org),
  };
  return templates.map((template) => ({
    template,
    name: policyName(org, POLICY_SCOPES.cluster, template.name),
    kind: policyKindOf(template),
    mode: 'Audit',
    scope: POLICY_SCOPES.cluster,
    org: owner,
    profile: DEFAULT_PROFILE,
    bindingNamespace: '',
    options: { org, mode: 'Audit', namespaceSelector },
  }));
}
