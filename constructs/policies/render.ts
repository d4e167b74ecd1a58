import { ROLLOUT } from '../../environments/rollout';
import type { ResolvedEnvironment } from '../../environments/types';
import { ConfigError, Problems, show } from '../../lib/errors';
import { auditOverrideNamespaces, PROTECTED_NAMESPACES, policyNamespaceSelector, type LabelSelector } from '../../lib/exclusions';
import { LADDER_ENVIRONMENTS, modeAt, type LadderEnvironment, type PolicyMode } from '../../lib/ladder';
import type { Manifest } from '../../lib/manifests';
import { TEMPLATES } from './index';
import { POLICY_SCOPES, policyName, policyNamesFor } from './naming';
import type { ParameterValues, PolicyTemplate } from './template';

/** The API version and kind every rendered template becomes. */
export const VALIDATING_POLICY = { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy' } as const;

/** Pod controllers Kyverno auto-generates pod templates for (resource names, as autogen takes them). */
export const POD_CONTROLLERS = ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs'] as const;

/** Label/annotation keys on rendered policies (DESIGN.md). */
export const POLICY_KEYS = {
  template: 'krate.a5c.ai/policy-template',
  pack: 'krate.a5c.ai/policy-pack',
  mode: 'krate.a5c.ai/policy-mode',
  profile: 'krate.a5c.ai/profile',
  uiPath: 'krate.a5c.ai/ui-path',
} as const;

export interface RenderPolicyOptions {
  /** Krate organisation: part of the policy name. */
  readonly org: string;
  /** What the policy does on failure: Audit → validationActions [Audit], Enforce → [Deny]. */
  readonly mode: PolicyMode;
  /**
   * Name scope (`krate-{org}-{scope}-{template}`).
   * @default 'cluster'
   */
  readonly scope?: string;
  /**
   * matchConstraints.namespaceSelector.
   * @default none (every namespace)
   */
  readonly namespaceSelector?: LabelSelector;
  /**
   * Parameter values; missing ones take the template's defaults.
   * @default {} (all defaults)
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /**
   * Where the parameters were configured, for error messages.
   * @default `parameters`
   */
  readonly parametersPath?: string;
}

/**
 * A template's parameters with defaults applied. Unknown keys and values of the wrong type are
 * errors naming the path, the value and the fix.
 */
export function resolveParameters(template: PolicyTemplate, given: Readonly<Record<string, unknown>> = {}, path = 'parameters'): ParameterValues {
  const specs = template.parameters ?? {};
  const problems = new Problems();
  const out: Record<string, string[] | number[] | number> = {};
  for (const key of Object.keys(given)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      problems.add(`${path}.${key}`, `unknown parameter of template ${template.name} (${known.length ? `known: ${known.join(', ')}` : 'it takes no parameters'})`);
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = key in given ? given[key] : spec.default;
    const ok =
      spec.type === 'int'
        ? Number.isInteger(value) && (value as number) >= 0
        : Array.isArray(value) &&
          value.every((v) => (spec.type === 'string[]' ? typeof v === 'string' && v !== '' : Number.isInteger(v) && v >= 0 && v <= 65535));
    if (!ok) {
      const expected = { int: 'a non-negative integer', 'string[]': 'a list of non-empty strings', 'int[]': 'a list of integers 0-65535' }[spec.type];
      problems.add(`${path}.${key}`, `${show(value)} is not ${expected} (${spec.description})`);
      continue;
    }
    out[key] = value as string[] | number[] | number;
  }
  problems.throwIfAny();
  return out;
}

/** Renders one template as a `policies.kyverno.io/v1` ValidatingPolicy (plain data, no defaults left implicit). */
export function renderValidatingPolicy(template: PolicyTemplate, opts: RenderPolicyOptions): Manifest {
  const params = resolveParameters(template, opts.parameters, opts.parametersPath);
  const body = template.body(params);
  const name = policyName(opts.org, opts.scope ?? POLICY_SCOPES.cluster, template.name);
  return {
    ...VALIDATING_POLICY,
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/managed-by': 'krate-policy-gitops',
        'app.kubernetes.io/part-of': 'krate',
        [POLICY_KEYS.template]: template.name,
        [POLICY_KEYS.pack]: template.pack,
        [POLICY_KEYS.mode]: opts.mode.toLowerCase(),
      },
      annotations: {
        // The CRD comes from the Kyverno app (an earlier wave): skip dry-run until it exists.
        'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
        [POLICY_KEYS.template]: `${template.name}@${template.version}`,
        [POLICY_KEYS.profile]: template.pack,
        [POLICY_KEYS.uiPath]: `/policies/${template.pack}/${template.name}`,
        'policies.kyverno.io/title': template.title,
        'policies.kyverno.io/category': template.category,
        'policies.kyverno.io/severity': template.severity,
        'policies.kyverno.io/subject': template.subject,
        'policies.kyverno.io/description': template.description,
      },
    },
    spec: {
      validationActions: [opts.mode === 'Enforce' ? 'Deny' : 'Audit'],
      // An expression that cannot be evaluated blocks in enforce mode and only reports in audit.
      failurePolicy: opts.mode === 'Enforce' ? 'Fail' : 'Ignore',
      evaluation: { admission: { enabled: true }, background: { enabled: true } },
      matchConstraints: {
        resourceRules: template.resourceRules.map((r) => ({ ...r })),
        ...(opts.namespaceSelector ? { namespaceSelector: opts.namespaceSelector } : {}),
      },
      ...(body.matchConditions?.length ? { matchConditions: body.matchConditions.map((c) => ({ ...c })) } : {}),
      ...(body.variables?.length ? { variables: body.variables.map((v) => ({ ...v })) } : {}),
      validations: body.validations.map((v) => ({ ...v })),
      ...(template.podControllers ? { autogen: { podControllers: { controllers: [...POD_CONTROLLERS] } } } : {}),
    },
  };
}

/**
 * Every ValidatingPolicy an environment gets: each template from its audit rung on, in the mode
 * its rung gives, with the environment's exclusions. A template that enforces but keeps some
 * namespaces in audit renders twice (CEL policies have no failureActionOverrides): the Enforce
 * policy excludes those namespaces, its Audit twin matches only them.
 */
export function environmentPolicies(env: ResolvedEnvironment): Manifest[] {
  if (!(LADDER_ENVIRONMENTS as readonly string[]).includes(env.name)) return [];
  const out: Manifest[] = [];
  for (const template of TEMPLATES) {
    const entry = ROLLOUT[template.name];
    if (!entry) throw new ConfigError([`environments/rollout.ts: ROLLOUT has no entry for template ${template.name} (add one, e.g. { stage: 'draft', since: 'YYYY-MM-DD' })`]);
    const mode = modeAt(entry.stage, env.name as LadderEnvironment);
    const names = policyNamesFor(env, template.name);
    if (!mode || names.length === 0) continue;
    const common = { org: env.org, parameters: entry.parameters, parametersPath: `environments/rollout.ts: ROLLOUT['${template.name}'].parameters` };
    // The cluster policy never matches excluded or audit-override namespaces; the twin matches only the latter.
    out.push(renderValidatingPolicy(template, { ...common, mode, namespaceSelector: policyNamespaceSelector(env, template.name) }));
    if (auditOverrideNamespaces(env, template.name).length > 0) {
      out.push(renderValidatingPolicy(template, { ...common, mode: 'Audit', scope: POLICY_SCOPES.auditOverride, namespaceSelector: policyNamespaceSelector(env, template.name, POLICY_SCOPES.auditOverride) }));
    }
  }
  return out;
}

/**
 * Every template with default parameters, in Audit, excluding only the protected system
 * namespaces: what `scan --all-templates` evaluates.
 */
export function allTemplatePolicies(org = 'scan'): Manifest[] {
  const namespaceSelector: LabelSelector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...PROTECTED_NAMESPACES] }] };
  return TEMPLATES.map((t) => renderValidatingPolicy(t, { org, mode: 'Audit', namespaceSelector }));
}
