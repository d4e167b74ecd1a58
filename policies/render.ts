import { ConfigError, Problems, show } from '../lib/errors';
import type { PolicyMode } from '../lib/ladder';
import type { LabelSelector, Manifest } from '../lib/manifests';
import { POLICY_SCOPES, policyName } from './naming';
import type { Attestor, ParameterValues, PodController, PolicyKind, PolicyTemplate, ResourceRule } from './template';

/** The API version and kind every rendered template becomes (image-verification templates: ImageValidatingPolicy). */
export const VALIDATING_POLICY = { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy' } as const;

/** The kind a template renders to. */
export function policyKindOf(template: Pick<PolicyTemplate, 'kind'>): PolicyKind {
  return template.kind ?? 'ValidatingPolicy';
}

/** Pod controllers Kyverno auto-generates pod templates for (resource names, as autogen takes them). */
export const POD_CONTROLLERS: readonly PodController[] = ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs'];

/** The pod controllers a template is auto-generated for: every one (`podControllers: true`), those listed, or none. */
export function podControllersOf(template: Pick<PolicyTemplate, 'podControllers'>): readonly PodController[] {
  const p = template.podControllers;
  return p === true ? POD_CONTROLLERS : Array.isArray(p) ? p : [];
}

/**
 * Both selectors at once: a label selector is a conjunction of its matchLabels and
 * matchExpressions, so joining their entries selects exactly what both select. A key both
 * matchLabels set becomes an `In` expression for the second one (an object key holds one value).
 */
export function joinSelectors(a: LabelSelector | undefined, b: LabelSelector | undefined): LabelSelector | undefined {
  if (!a) return b;
  if (!b) return a;
  const labels: Record<string, string> = { ...a.matchLabels };
  const expressions = [...(a.matchExpressions ?? [])];
  for (const [key, value] of Object.entries(b.matchLabels ?? {})) {
    if (key in labels && labels[key] !== value) expressions.push({ key, operator: 'In', values: [value] });
    else labels[key] = value;
  }
  expressions.push(...(b.matchExpressions ?? []));
  return {
    ...(Object.keys(labels).length > 0 ? { matchLabels: labels } : {}),
    ...(expressions.length > 0 ? { matchExpressions: expressions } : {}),
  };
}

/** Label/annotation keys on rendered policies (DESIGN.md). */
export const POLICY_KEYS = {
  template: 'krate.a5c.ai/policy-template',
  pack: 'krate.a5c.ai/policy-pack',
  mode: 'krate.a5c.ai/policy-mode',
  profile: 'krate.a5c.ai/profile',
  uiPath: 'krate.a5c.ai/ui-path',
  org: 'krate.a5c.ai/org',
  surface: 'krate.a5c.ai/surface',
  binding: 'krate.a5c.ai/policy-binding',
  minVersion: 'policies.kyverno.io/minversion',
} as const;

/** The oldest Kyverno serving policies.kyverno.io/v1 (stable from v1.17): `policies.kyverno.io/minversion`. */
export const KYVERNO_MIN_VERSION = '1.17.0';

/** Where a policy comes from in Krate's model: the PolicyBinding, its profile and the org's UI path. */
export interface PolicyContract {
  /** The PolicyBinding the policy is generated from (`krate.a5c.ai/policy-binding`). */
  readonly binding: string;
  /** The PolicyProfile of the binding's org (`krate.a5c.ai/profile`). */
  readonly profile: string;
  /** Krate's UI path for the org's policies (`krate.a5c.ai/ui-path`). */
  readonly uiPath: string;
}

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
  /**
   * What an Enforce policy does when Kyverno cannot answer (an Audit policy always ignores).
   * @default 'Fail'
   */
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /**
   * matchConstraints.objectSelector, joined with the template's own (a repository binding's label).
   * @default the template's
   */
  readonly objectSelector?: LabelSelector;
  /**
   * matchConstraints.resourceRules in place of the template's (a binding narrowed to some kinds).
   * @default the template's
   */
  readonly resourceRules?: readonly ResourceRule[];
  /**
   * The Krate contract: org label, binding, profile and UI path annotations, Kyverno minversion.
   * @default none (the template's pack as profile, its catalog path as UI path: template suites and scans)
   */
  readonly contract?: PolicyContract;
}

/**
 * A template's parameters with defaults applied. Unknown keys and values of the wrong type are
 * errors naming the path, the value and the fix.
 */
export function resolveParameters(
  template: PolicyTemplate,
  given: Readonly<Record<string, unknown>> = {},
  path = 'parameters',
): ParameterValues {
  const specs = template.parameters ?? {};
  const problems = new Problems();
  const out: Record<string, string[] | number[] | number | readonly Attestor[]> = {};
  for (const key of Object.keys(given)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      problems.add(
        `${path}.${key}`,
        `unknown parameter of template ${template.name} (${known.length ? `known: ${known.join(', ')}` : 'it takes no parameters'})`,
      );
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = key in given ? given[key] : spec.default;
    if (spec.type === 'attestors') {
      const problem = attestorsProblem(value);
      if (problem) problems.add(`${path}.${key}${problem.at}`, `${problem.message} (${spec.description})`);
      else out[key] = value as readonly Attestor[];
      continue;
    }
    const ok =
      spec.type === 'int'
        ? Number.isInteger(value) && (value as number) >= 0
        : Array.isArray(value) &&
          value.every((v) => (spec.type === 'string[]' ? typeof v === 'string' && v !== '' : Number.isInteger(v) && v >= 0 && v <= 65535));
    if (!ok) {
      const expected = { int: 'a non-negative integer', 'string[]': 'a list of non-empty strings', 'int[]': 'a list of integers 0-65535' }[
        spec.type
      ];
      problems.add(`${path}.${key}`, `${show(value)} is not ${expected} (${spec.description})`);
      continue;
    }
    out[key] = value as string[] | number[] | number;
  }
  problems.throwIfAny();
  return out;
}

const CEL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTITY_KEYS = ['issuer', 'issuerRegExp', 'subject', 'subjectRegExp'];

/** Why a value is not a list of attestors (with the sub-path), or undefined when it is one. */
function attestorsProblem(value: unknown): { at: string; message: string } | undefined {
  if (!Array.isArray(value) || value.length === 0) return { at: '', message: `${show(value)} is not a non-empty list of attestors` };
  const names = new Set<string>();
  for (const [i, a] of value.entries()) {
    const at = `[${i}]`;
    if (!a || typeof a !== 'object' || Object.keys(a).some((k) => k !== 'name' && k !== 'cosign'))
      return { at, message: `${show(a)} is not an attestor { name, cosign }` };
    if (typeof a.name !== 'string' || !CEL_IDENTIFIER.test(a.name))
      return { at: `${at}.name`, message: `${show(a.name)} is not a CEL identifier (validations refer to it as attestors.<name>)` };
    if (names.has(a.name)) return { at: `${at}.name`, message: `'${a.name}' is used twice` };
    names.add(a.name);
    const cosign = a.cosign;
    const modes = cosign && typeof cosign === 'object' ? Object.keys(cosign) : [];
    if (modes.length !== 1 || !['keyless', 'key'].includes(modes[0]))
      return { at: `${at}.cosign`, message: `${show(cosign)} must set exactly one of keyless or key` };
    if (modes[0] === 'key') {
      const data = cosign.key?.data;
      if (typeof data !== 'string' || !data.includes('-----BEGIN PUBLIC KEY-----'))
        return { at: `${at}.cosign.key.data`, message: 'is not a PEM public key (-----BEGIN PUBLIC KEY-----…)' };
      continue;
    }
    const identities = cosign.keyless?.identities;
    if (!Array.isArray(identities) || identities.length === 0)
      return { at: `${at}.cosign.keyless.identities`, message: `${show(identities)} is not a non-empty list of identities` };
    for (const [j, id] of identities.entries()) {
      const ok =
        id &&
        typeof id === 'object' &&
        Object.entries(id).every(([k, v]) => IDENTITY_KEYS.includes(k) && typeof v === 'string' && v !== '') &&
        ('issuer' in id || 'issuerRegExp' in id) &&
        ('subject' in id || 'subjectRegExp' in id);
      if (!ok)
        return {
          at: `${at}.cosign.keyless.identities[${j}]`,
          message: `${show(id)} must set issuer or issuerRegExp and subject or subjectRegExp (non-empty strings, nothing else)`,
        };
    }
  }
  return undefined;
}

/**
 * Parameters whose default is a placeholder must be configured before the template enforces:
 * enforcing with, e.g., a placeholder signer would deny every production deployment.
 */
function checkEnforceable(template: PolicyTemplate, opts: RenderPolicyOptions): void {
  if (opts.mode !== 'Enforce') return;
  const path = opts.parametersPath ?? 'parameters';
  const missing = Object.entries(template.parameters ?? {}).filter(
    ([key, spec]) => spec.requiredBeforeEnforce && !(opts.parameters && key in opts.parameters),
  );
  if (missing.length === 0) return;
  throw new ConfigError(
    missing.map(
      ([key]) =>
        `${path}.${key}: not configured, and the default is a placeholder: '${template.name}' cannot enforce with it (it would deny everything it matches); set it before promoting the template to an enforce rung`,
    ),
  );
}

/** A call into Kyverno's resource library (`resource.Get(…)`, `resource.list(…)`), not a field named resource. */
const RESOURCE_CALL = /(?<![\w.])resource\s*\.\s*(?:Get|get|List|list)\s*\(/;

/**
 * Whether a template decides from other objects in the cluster (Kyverno's resource.Get /
 * resource.List) with its default parameters: a context-aware template, whose suite supplies those
 * objects in a Context file and which `scan` leaves to Kyverno.
 */
export function readsCluster(template: PolicyTemplate): boolean {
  const body = template.body(resolveParameters(template));
  const expressions = [
    ...(body.matchConditions ?? []).map((c) => c.expression),
    ...(body.variables ?? []).map((v) => v.expression),
    ...body.validations.flatMap((v) => [v.expression, v.messageExpression ?? '']),
    ...(body.auditAnnotations ?? []).map((a) => a.valueExpression),
  ];
  return expressions.some((e) => RESOURCE_CALL.test(e));
}

/** A deep copy of plain data (rules and selectors), so a rendered policy shares nothing with its template. */
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * Renders one template as a `policies.kyverno.io/v1` ValidatingPolicy, or ImageValidatingPolicy
 * when it verifies image signatures (plain data, no defaults left implicit).
 */
export function renderPolicy(template: PolicyTemplate, opts: RenderPolicyOptions): Manifest {
  const params = resolveParameters(template, opts.parameters, opts.parametersPath);
  checkEnforceable(template, opts);
  const body = template.body(params);
  const kind = policyKindOf(template);
  if ((kind === 'ImageValidatingPolicy') !== Boolean(body.imageVerification)) {
    throw new Error(`template ${template.name}: kind ${kind} and imageVerification must go together`);
  }
  const name = policyName(opts.org, opts.scope ?? POLICY_SCOPES.cluster, template.name);
  const image = body.imageVerification;
  const namespaceSelector = joinSelectors(opts.namespaceSelector, template.namespaceSelector);
  const objectSelector = joinSelectors(opts.objectSelector, template.objectSelector);
  const contract = opts.contract;
  const controllers = podControllersOf(template);
  const timeoutSeconds = image ? 30 : template.timeoutSeconds;
  return {
    apiVersion: VALIDATING_POLICY.apiVersion,
    kind,
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/managed-by': 'krate-policy-gitops',
        'app.kubernetes.io/part-of': 'krate',
        [POLICY_KEYS.template]: template.name,
        [POLICY_KEYS.pack]: template.pack,
        [POLICY_KEYS.mode]: opts.mode.toLowerCase(),
        ...(contract ? { [POLICY_KEYS.org]: opts.org, [POLICY_KEYS.surface]: template.surface } : {}),
      },
      annotations: {
        // The CRD comes from the Kyverno app (an earlier wave): skip dry-run until it exists.
        'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
        [POLICY_KEYS.template]: `${template.name}@${template.version}`,
        ...(contract
          ? {
              [POLICY_KEYS.binding]: contract.binding,
              [POLICY_KEYS.profile]: contract.profile,
              [POLICY_KEYS.uiPath]: `${contract.uiPath}/${template.name}`,
              [POLICY_KEYS.minVersion]: KYVERNO_MIN_VERSION,
            }
          : { [POLICY_KEYS.profile]: template.pack, [POLICY_KEYS.uiPath]: `/policies/${template.pack}/${template.name}` }),
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
      failurePolicy: opts.mode === 'Enforce' ? (opts.failurePolicy ?? 'Fail') : 'Ignore',
      evaluation: {
        admission: { enabled: template.evaluation?.admission ?? true },
        background: { enabled: template.evaluation?.background ?? true },
      },
      matchConstraints: {
        resourceRules: (opts.resourceRules ?? template.resourceRules).map((r) => copy(r)),
        ...(template.excludeResourceRules?.length ? { excludeResourceRules: template.excludeResourceRules.map((r) => copy(r)) } : {}),
        ...(namespaceSelector ? { namespaceSelector: copy(namespaceSelector) } : {}),
        ...(objectSelector ? { objectSelector: copy(objectSelector) } : {}),
        ...(template.matchPolicy ? { matchPolicy: template.matchPolicy } : {}),
      },
      ...(body.matchConditions?.length ? { matchConditions: body.matchConditions.map((c) => ({ ...c })) } : {}),
      ...(body.variables?.length ? { variables: body.variables.map((v) => ({ ...v })) } : {}),
      ...(image
        ? {
            images: image.images.map((i) => ({ ...i })),
            matchImageReferences: image.matchImageReferences.map((r) => ({ ...r })),
            attestors: JSON.parse(JSON.stringify(image.attestors)),
            // Require a verified, digest-pinned reference; never rewrite the object (Argo CD would see drift).
            validationConfigurations: { mutateDigest: false, verifyDigest: true, required: true },
          }
        : {}),
      // Image verification fetches signatures from the registry and the transparency log.
      ...(timeoutSeconds !== undefined ? { webhookConfiguration: { timeoutSeconds } } : {}),
      validations: body.validations.map((v) => ({ ...v })),
      ...(body.auditAnnotations?.length ? { auditAnnotations: body.auditAnnotations.map((a) => ({ ...a })) } : {}),
      ...(template.podControllers !== undefined && template.podControllers !== false
        ? { autogen: { podControllers: { controllers: [...controllers] } } }
        : {}),
    },
  };
}
