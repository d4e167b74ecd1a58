import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { exceptionMatchConditions } from '../config/exceptions';
import type { ResolvedEnvironment } from '../config/resolve';
import { profileTemplates } from '../config/tenancy';
import { hasKyverno } from '../environments/types';
import { POLICY_KEYS, renderPolicy, resolveParameters } from '../policies/render';
import { KRATE_GROUP, KRATE_VERSION } from '../policies/krate-resource';
import type { ParameterSpec } from '../policies/template';
import { AppChart } from './app-chart';

export interface KrateModelProps {
  /** The environment; its templates, profiles, orgs and plan say what renders. */
  readonly env: ResolvedEnvironment;
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'krate-model'
   */
  readonly app?: string;
}

/** Marks an object as rendered from git: Krate's controller reports status on it and never renders a second copy. */
export const RENDERED_BY = { key: 'krate.a5c.ai/rendered-by', value: 'gitops' } as const;

const API_VERSION = `${KRATE_GROUP}/${KRATE_VERSION}`;

/** The CRD's parameter types for a template's typed parameters. */
const PARAMETER_TYPES: Readonly<Record<ParameterSpec['type'], string>> = {
  'string[]': 'array',
  'int[]': 'array',
  int: 'integer',
  attestors: 'array',
};

const lower = (mode: string): string => mode.toLowerCase();

/**
 * Krate's resource model of one environment, rendered from this repository: a PolicyTemplate per
 * template, a PolicyProfile per profile its orgs follow, and (where Kyverno is there by
 * configuration, like the policies) a PolicyBinding per generated Kyverno policy and a
 * PolicyExceptionRequest per exception, recording its request and approval. The Kyverno policies
 * and PolicyExceptions stay the enforcement objects (the policies and policy-exceptions apps).
 */
export class KrateModel extends AppChart {
  constructor(scope: Construct, id: string, props: KrateModelProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'krate-model' });
    const { env } = props;
    const labels = (extra: Record<string, string> = {}): Record<string, string> => ({
      'app.kubernetes.io/managed-by': 'krate-policy-gitops',
      'app.kubernetes.io/part-of': 'krate',
      [RENDERED_BY.key]: RENDERED_BY.value,
      ...extra,
    });
    const platform = env.orgs.find((o) => o.platform)!;

    for (const t of env.plan.templates) {
      const policy = renderPolicy(t, { org: platform.slug, mode: 'Audit' });
      const params = resolveParameters(t);
      new ApiObject(this, `template-${t.name}`, {
        apiVersion: API_VERSION,
        kind: 'PolicyTemplate',
        metadata: { name: t.name, labels: labels({ [POLICY_KEYS.pack]: t.pack, [POLICY_KEYS.surface]: t.surface }) },
        spec: {
          version: t.version,
          pack: t.pack,
          displayName: t.title,
          title: t.title,
          description: t.description,
          category: t.category,
          severity: t.severity,
          subject: t.subject,
          surface: t.surface,
          targetKinds: t.resourceRules.flatMap((r) => r.resources.map((resource) => ({ apiGroups: [...r.apiGroups], resource }))),
          parameters: Object.entries(t.parameters ?? {}).map(([name, spec]) => ({
            name,
            type: PARAMETER_TYPES[spec.type],
            description: spec.description,
            required: spec.requiredBeforeEnforce ?? false,
            default: params[name],
          })),
          // A template enforces only after its placeholder parameters are configured (requiredBeforeEnforce).
          allowedModes: ['audit', 'enforce'],
          mode: 'audit',
          remediation: t.remediation,
          policy: { apiVersion: policy.apiVersion, kind: policy.kind, spec: policy.spec },
        },
      });
    }

    for (const profile of env.profiles) {
      const orgs = env.orgs.filter((o) => o.profile === profile.name).map((o) => o.slug);
      if (orgs.length === 0) continue;
      const x = profile.exceptions;
      new ApiObject(this, `profile-${profile.name}`, {
        apiVersion: API_VERSION,
        kind: 'PolicyProfile',
        metadata: { name: profile.name, labels: labels() },
        spec: {
          displayName: profile.displayName,
          description: profile.description,
          mode: profile.posture,
          packs: profile.templates.filter((e) => e.endsWith('/*')).map((e) => e.slice(0, -2)),
          templates: profileTemplates(profile, env.plan.templates).map((t) => ({ name: t.name })),
          orgs,
          exceptionPolicy: {
            requesters: [...x.requesters],
            approvers: [...x.approvers],
            maxDays: x.maxDays,
            minJustification: x.minJustification,
            riskAcceptanceForEnforce: x.riskAcceptanceForEnforce,
          },
          failurePolicy: profile.failurePolicy,
        },
      });
    }

    if (!hasKyverno(env)) return;
    for (const p of env.plan.policies) {
      const o = p.options;
      new ApiObject(this, `binding-${p.name}`, {
        apiVersion: API_VERSION,
        kind: 'PolicyBinding',
        metadata: {
          name: p.name,
          namespace: p.bindingNamespace,
          labels: labels({ [POLICY_KEYS.org]: p.org.slug, [POLICY_KEYS.template]: p.template.name }),
        },
        spec: {
          org: p.org.slug,
          templateRef: { name: p.template.name, version: p.template.version },
          profile: p.profile.name,
          mode: lower(p.mode),
          scope: { level: p.scope.startsWith('repo-') ? 'repo' : p.scope === 'org' ? 'org' : 'cluster', name: p.scope },
          match: {
            ...(p.binding?.repository ? { repository: p.binding.repository } : {}),
            ...(o.namespaceSelector ? { namespaceSelector: o.namespaceSelector } : {}),
            ...(o.objectSelector ? { objectSelector: o.objectSelector } : {}),
            ...(o.resourceRules ? { resources: o.resourceRules.flatMap((r) => [...r.resources]) } : {}),
          },
          parameters: resolveParameters(p.template, o.parameters, o.parametersPath),
          generatedPolicyName: p.name,
          generatedPolicyKind: p.kind,
          ...(p.binding?.approver ? { approver: p.binding.approver } : {}),
        },
      });
    }
    for (const { request: e, org, policyRefs } of env.plan.exceptions) {
      new ApiObject(this, `request-${e.name}`, {
        apiVersion: API_VERSION,
        kind: 'PolicyExceptionRequest',
        metadata: {
          name: e.name,
          namespace: org.home,
          labels: labels({ [POLICY_KEYS.org]: org.slug, [POLICY_KEYS.template]: e.template }),
        },
        spec: {
          org: org.slug,
          template: e.template,
          policyRefs: policyRefs.map((r) => ({ ...r })),
          mode: 'exempt',
          reason: e.justification,
          ticket: e.ticket,
          // The identity provider reports people by email: the request guard lets this user withdraw it.
          requestedBy: e.requester,
          requestedAt: `${e.requested}T00:00:00Z`,
          expiresAt: `${e.expiresAt}T00:00:00Z`,
          matchConditions: exceptionMatchConditions(e),
          approval: { approver: e.approver, ...(e.riskAcceptance ? { riskAcceptance: e.riskAcceptance } : {}) },
          exceptionName: e.name,
          exceptionNamespace: env.kyverno.policyNamespace,
        },
      });
    }
  }
}
