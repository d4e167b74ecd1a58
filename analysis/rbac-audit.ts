import { ConfigError } from '../lib/errors';
import { selectorMatches, type LabelSelector } from '../lib/label-selector';
import { resourceId, type Manifest, type SourcedManifest } from '../lib/manifests';

/** The rules the audit enforces; ids are what findings and docs name. */
export const RBAC_RULES = {
  'no-wildcard': "no '*' in verbs, resources, apiGroups or nonResourceURLs: grant what is needed by name",
  'no-secrets': 'no access to Secrets: Krate never needs them through these roles',
  'no-escalation': 'no escalate, bind or impersonate: they let a subject grant itself more than it has',
  'policyexception-write':
    'PolicyException write is bound only to the exception-controller ServiceAccount, with a RoleBinding in the exception namespace',
  'persona-policyexception-write':
    "no persona role (label krate.a5c.ai/persona) can write PolicyExceptions (kyverno.io or policies.kyverno.io; create, update, patch, delete, deletecollection or '*'), by its own rules, wildcards or the ClusterRoles it aggregates: people ask with a PolicyExceptionRequest, the exception controller writes the exception",
  'krate-policy-cluster-write':
    'no persona writes Krate policy resources (krate.a5c.ai policytemplates, policyprofiles, policybindings, policyexceptionrequests) cluster-wide: a ClusterRoleBinding grants that write only to platform-engineer groups and to ServiceAccounts of the controller namespaces (--controller-namespace; any when not given), and no role granting it is aggregated',
  'kyverno-side-effect-policy-write':
    'no write on Kyverno policies that mutate, generate or delete (policies.kyverno.io mutating/generating/deleting policies, kyverno.io clusterpolicies/policies/cleanup policies): Kyverno applies them with its own broad ServiceAccounts, so that write is cluster-admin by proxy',
} as const;
export type RbacRuleId = keyof typeof RBAC_RULES;

export interface RbacFinding {
  readonly file: string;
  /** Kind/namespace/name of the offending Role, ClusterRole or binding. */
  readonly resource: string;
  /** Where in the object, e.g. `rules[2].verbs`. */
  readonly field: string;
  readonly rule: RbacRuleId;
  readonly message: string;
}

export interface RbacAuditOptions {
  /**
   * ServiceAccount names allowed to hold PolicyException write access.
   * @default ['krate-exception-controller']
   */
  readonly exceptionControllers?: readonly string[];
  /**
   * The one namespace PolicyException write may be bound in.
   * @default any namespace (only the binding kind and subjects are checked)
   */
  readonly exceptionNamespace?: string;
  /**
   * Groups of platform engineers: the only people who may write Krate policy resources cluster-wide.
   * @default none (no person may)
   */
  readonly platformGroups?: readonly string[];
  /**
   * Namespaces whose ServiceAccounts (controllers) may write Krate policy resources cluster-wide:
   * a ServiceAccount elsewhere, such as one an org runs in its own namespace, may not.
   * @default any namespace
   */
  readonly controllerNamespaces?: readonly string[];
}

/** Krate's policy resources (and their status): the write personas may hold only in their org's namespaces. */
const KRATE_POLICY_RESOURCES = ['policytemplates', 'policyprofiles', 'policybindings', 'policyexceptionrequests'];

/** The Krate policy resources a rule may write. */
function kratePolicyWrites(r: PolicyRule): string[] {
  if (!r.verbs.some((v) => WRITE_VERBS.includes(v))) return [];
  if (!r.apiGroups.some((g) => g === 'krate.a5c.ai' || g === '*')) return [];
  return KRATE_POLICY_RESOURCES.filter((res) => r.resources.some((x) => x === '*' || x === res || x.startsWith(`${res}/`)));
}

export function formatRbacFinding(f: RbacFinding): string {
  return `${f.file}: ${f.resource}: ${f.field}: ${f.rule}: ${f.message}`;
}

interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** The label the krate-kyverno chart puts on its persona roles (the roles people are bound to). */
export const PERSONA_LABEL = 'krate.a5c.ai/persona';

const ROLE_KINDS = ['Role', 'ClusterRole'];
const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];
const ESCALATION_VERBS = ['escalate', 'bind', 'impersonate'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', '*'];
const POLICY_EXCEPTION_GROUPS = ['kyverno.io', 'policies.kyverno.io', '*'];
/**
 * Kyverno policy kinds that change, create or delete other objects, by API group. kyverno.io
 * (Cluster)Policies can carry mutate and generate rules and (Cluster)CleanupPolicies delete, so
 * write on them is the same power; validating kinds only admit or deny.
 */
const SIDE_EFFECT_POLICIES: Readonly<Record<string, readonly string[]>> = {
  'policies.kyverno.io': [
    'mutatingpolicies',
    'namespacedmutatingpolicies',
    'generatingpolicies',
    'namespacedgeneratingpolicies',
    'deletingpolicies',
    'namespaceddeletingpolicies',
  ],
  'kyverno.io': ['clusterpolicies', 'policies', 'cleanuppolicies', 'clustercleanuppolicies'],
};

function isRbac(m: Manifest): boolean {
  return /^rbac\.authorization\.k8s\.io\//.test(m.apiVersion) && [...ROLE_KINDS, ...BINDING_KINDS].includes(m.kind);
}

/** Reads a role's rules; malformed RBAC is bad input (exit 2), not a finding. */
function rulesOf(item: SourcedManifest): PolicyRule[] {
  const raw = (item.manifest as { rules?: unknown }).rules ?? [];
  const where = `${item.file}: ${resourceId(item.manifest)}`;
  if (!Array.isArray(raw)) throw new ConfigError([`${where}: rules: must be a list of PolicyRules`]);
  return raw.map((r: unknown, i) => {
    if (r === null || typeof r !== 'object') throw new ConfigError([`${where}: rules[${i}]: must be an object`]);
    const list = (key: string): string[] => {
      const v = (r as Record<string, unknown>)[key] ?? [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
        throw new ConfigError([`${where}: rules[${i}].${key}: must be a list of strings`]);
      return v as string[];
    };
    return { apiGroups: list('apiGroups'), resources: list('resources'), verbs: list('verbs'), nonResourceURLs: list('nonResourceURLs') };
  });
}

const grantsPolicyExceptionWrite = (r: PolicyRule): boolean =>
  r.apiGroups.some((g) => POLICY_EXCEPTION_GROUPS.includes(g)) &&
  r.resources.some((res) => res === 'policyexceptions' || res === '*') &&
  r.verbs.some((v) => WRITE_VERBS.includes(v));

/** What a PolicyException-writing rule grants, for messages: `create, delete on kyverno.io policyexceptions`. */
function policyExceptionGrant(r: PolicyRule): string {
  const verbs = r.verbs.filter((v) => WRITE_VERBS.includes(v)).map((v) => (v === '*' ? "'*'" : v));
  const groups = r.apiGroups.includes('*')
    ? "kyverno.io and policies.kyverno.io (apiGroups '*')"
    : r.apiGroups.filter((g) => POLICY_EXCEPTION_GROUPS.includes(g)).join(' and ');
  const what = r.resources.includes('policyexceptions') ? 'policyexceptions' : "policyexceptions (resources '*')";
  return `${verbs.join(', ')} on ${groups} ${what}`;
}

interface AggregationRule {
  readonly clusterRoleSelectors?: readonly LabelSelector[];
}

const labelsOf = (m: Manifest): Record<string, string> => (m.metadata.labels ?? {}) as Record<string, string>;

/**
 * The ClusterRoles a ClusterRole's aggregationRule pulls rules from, by selector index, as
 * Kubernetes' aggregation controller does (an aggregated role may aggregate in turn; each role
 * counts once). Roles (namespaced) are never aggregated.
 */
function aggregatedRoles(item: SourcedManifest, clusterRoles: readonly SourcedManifest[]): { selector: number; role: SourcedManifest }[] {
  const out: { selector: number; role: SourcedManifest }[] = [];
  const seen = new Set<SourcedManifest>([item]);
  const walk = (current: SourcedManifest, selector: number | undefined): void => {
    const selectors = ((current.manifest as { aggregationRule?: AggregationRule }).aggregationRule?.clusterRoleSelectors ??
      []) as LabelSelector[];
    selectors.forEach((sel, i) => {
      for (const role of clusterRoles) {
        if (seen.has(role) || !selectorMatches(sel, labelsOf(role.manifest))) continue;
        seen.add(role);
        out.push({ selector: selector ?? i, role });
        walk(role, selector ?? i);
      }
    });
  };
  if (item.manifest.kind === 'ClusterRole') walk(item, undefined);
  return out;
}

/** The mutating/generating/deleting Kyverno policy resources a rule may write (`group/resource`). */
function sideEffectPolicyWrites(r: PolicyRule): string[] {
  if (!r.verbs.some((v) => WRITE_VERBS.includes(v))) return [];
  const groups = r.apiGroups.includes('*') ? Object.keys(SIDE_EFFECT_POLICIES) : r.apiGroups.filter((g) => g in SIDE_EFFECT_POLICIES);
  return groups.flatMap((g) =>
    SIDE_EFFECT_POLICIES[g].filter((res) => r.resources.includes(res) || r.resources.includes('*')).map((res) => `${g}/${res}`),
  );
}

/**
 * Audits every Role/ClusterRole (and the bindings of PolicyException writers) among the given
 * manifests. Objects that are not RBAC are ignored, so it runs over whole folders.
 */
export function auditRbac(items: readonly SourcedManifest[], options: RbacAuditOptions = {}): RbacFinding[] {
  const allowed = options.exceptionControllers ?? ['krate-exception-controller'];
  const findings: RbacFinding[] = [];
  const rbac = items.filter((i) => isRbac(i.manifest));
  /** Roles that grant PolicyException write, keyed by kind/namespace/name as roleRefs resolve them. */
  const writers = new Map<string, SourcedManifest>();
  /** ClusterRoles that grant Krate policy write, by name → the resources. */
  const krateWriters = new Map<string, string[]>();
  const platformGroups = options.platformGroups ?? [];
  const controllerNamespaces = options.controllerNamespaces;
  const roleKey = (kind: string, namespace: string | undefined, name: string): string =>
    kind === 'ClusterRole' ? `ClusterRole//${name}` : `Role/${namespace ?? ''}/${name}`;

  const clusterRoles = rbac.filter((i) => i.manifest.kind === 'ClusterRole');
  for (const item of rbac.filter((i) => ROLE_KINDS.includes(i.manifest.kind))) {
    const add = (field: string, rule: RbacRuleId, message: string): void =>
      void findings.push({ file: item.file, resource: resourceId(item.manifest), field, rule, message });
    const persona = labelsOf(item.manifest)[PERSONA_LABEL];
    const personaFix =
      'people ask for an exception with a PolicyExceptionRequest and the exception controller writes it; a persona that can write PolicyExceptions grants itself any exception';
    // Rules that reach this role through its aggregationRule: holders of the role get them too.
    for (const { selector, role } of aggregatedRoles(item, clusterRoles)) {
      rulesOf(role).forEach((r, j) => {
        if (!grantsPolicyExceptionWrite(r)) return;
        writers.set(roleKey(item.manifest.kind, item.manifest.metadata.namespace, item.manifest.metadata.name), item);
        if (persona === undefined) return;
        add(
          `aggregationRule.clusterRoleSelectors[${selector}]`,
          'persona-policyexception-write',
          `persona role (${PERSONA_LABEL}: ${persona}) aggregates ${resourceId(role.manifest)}, whose rules[${j}] grants ${policyExceptionGrant(r)}; ${personaFix}: remove the write verbs from ${resourceId(role.manifest)} or the labels that aggregate it`,
        );
      });
    }
    // The aggregate-to-* labels that fold this role into others (edit, admin, …): its grants reach their holders.
    const labels = (item.manifest.metadata.labels ?? {}) as Record<string, string>;
    const aggregated = Object.keys(labels).filter((l) => /^rbac\.authorization\.k8s\.io\/aggregate-to-/.test(l) && labels[l] === 'true');
    rulesOf(item).forEach((r, i) => {
      for (const key of ['verbs', 'resources', 'apiGroups', 'nonResourceURLs'] as const) {
        const wild = r[key].filter((v) => v.includes('*'));
        if (wild.length > 0)
          add(`rules[${i}].${key}`, 'no-wildcard', `'${wild.join("', '")}' grants everything that matches; list the ${key} needed instead`);
      }
      if (r.apiGroups.some((g) => g === '' || g === '*') && r.resources.some((res) => res === 'secrets' || res.startsWith('secrets/'))) {
        add(`rules[${i}].resources`, 'no-secrets', "grants access to Secrets; remove 'secrets' from this rule");
      }
      const esc = r.verbs.filter((v) => ESCALATION_VERBS.includes(v));
      if (esc.length > 0)
        add(
          `rules[${i}].verbs`,
          'no-escalation',
          `'${esc.join("', '")}' lets the subject grant itself more access; remove ${esc.length > 1 ? 'them' : 'it'}`,
        );
      const krate = kratePolicyWrites(r);
      if (krate.length > 0 && item.manifest.kind === 'ClusterRole') {
        const name = item.manifest.metadata.name;
        krateWriters.set(name, [...new Set([...(krateWriters.get(name) ?? []), ...krate])]);
        if (aggregated.length > 0)
          add(
            `rules[${i}]`,
            'krate-policy-cluster-write',
            `grants write on krate.a5c.ai ${krate.join(', ')} and is aggregated (${aggregated.join(', ')}), so every holder of that role, cluster-wide, could write them; drop the label or the write verbs`,
          );
      }
      const sideEffects = sideEffectPolicyWrites(r);
      if (sideEffects.length > 0) {
        add(
          `rules[${i}]`,
          'kyverno-side-effect-policy-write',
          `grants write on ${sideEffects.join(', ')}: a policy there runs with Kyverno's ServiceAccounts and can change, create or delete anything (cluster-admin by proxy); grant write on validatingpolicies / imagevalidatingpolicies only`,
        );
      }
      if (grantsPolicyExceptionWrite(r)) {
        writers.set(roleKey(item.manifest.kind, item.manifest.metadata.namespace, item.manifest.metadata.name), item);
        if (persona !== undefined)
          add(
            `rules[${i}]`,
            'persona-policyexception-write',
            `persona role (${PERSONA_LABEL}: ${persona}) grants ${policyExceptionGrant(r)}; ${personaFix}: remove the write verbs (or the wildcard) from this rule`,
          );
        if (aggregated.length > 0) {
          add(
            `rules[${i}]`,
            'policyexception-write',
            `grants PolicyException write and is aggregated (${aggregated.join(', ')}), so every holder of that role could write exceptions; drop the label or the write verbs`,
          );
        }
      }
    });
  }

  for (const item of rbac.filter((i) => BINDING_KINDS.includes(i.manifest.kind))) {
    const m = item.manifest as Manifest & {
      roleRef?: { kind?: string; name?: string };
      subjects?: { kind?: string; name?: string; namespace?: string }[];
    };
    const ref = m.roleRef;
    if (!ref?.kind || !ref.name) throw new ConfigError([`${item.file}: ${resourceId(m)}: roleRef: needs kind and name`]);
    const krate = m.kind === 'ClusterRoleBinding' && ref.kind === 'ClusterRole' ? krateWriters.get(ref.name) : undefined;
    if (krate) {
      (m.subjects ?? []).forEach((s, i) => {
        if (s.kind === 'Group' && platformGroups.includes(s.name ?? '')) return;
        if (s.kind === 'ServiceAccount') {
          if (controllerNamespaces === undefined || controllerNamespaces.includes(s.namespace ?? '')) return;
          findings.push({
            file: item.file,
            resource: resourceId(m),
            field: `subjects[${i}]`,
            rule: 'krate-policy-cluster-write',
            message: `ServiceAccount '${s.namespace ?? ''}/${s.name ?? ''}' gets write on krate.a5c.ai ${krate.join(', ')} cluster-wide via ClusterRole/${ref.name}, outside the controllers' namespaces (${controllerNamespaces.join(', ') || 'none'}): a ServiceAccount in an org's namespace would write every org's policy resources; bind it with a RoleBinding in its org's namespaces, or pass its namespace to --controller-namespace if it is a platform controller`,
          });
          return;
        }
        findings.push({
          file: item.file,
          resource: resourceId(m),
          field: `subjects[${i}]`,
          rule: 'krate-policy-cluster-write',
          message: `${s.kind ?? '?'} '${s.name ?? ''}' gets write on krate.a5c.ai ${krate.join(', ')} cluster-wide via ClusterRole/${ref.name}; bind it with RoleBindings in the org's namespaces (only platform engineers${platformGroups.length > 0 ? `: ${platformGroups.join(', ')}` : ''} keep cluster-wide rights)`,
        });
      });
    }
    // A RoleBinding may reference a ClusterRole: it then grants it in the binding's namespace.
    const role = writers.get(roleKey(ref.kind, m.metadata.namespace, ref.name));
    if (!role) continue;
    const add = (field: string, message: string): void =>
      void findings.push({ file: item.file, resource: resourceId(m), field, rule: 'policyexception-write', message });
    if (m.kind === 'ClusterRoleBinding') {
      add(
        'roleRef',
        `binds ${ref.kind}/${ref.name}, which writes PolicyExceptions, cluster-wide; use a RoleBinding in the exception namespace`,
      );
    } else if (options.exceptionNamespace !== undefined && m.metadata.namespace !== options.exceptionNamespace) {
      add(
        'metadata.namespace',
        `binds PolicyException write in namespace '${m.metadata.namespace ?? ''}'; only '${options.exceptionNamespace}' (the exception namespace) may have it`,
      );
    }
    (m.subjects ?? []).forEach((s, i) => {
      if (s.kind !== 'ServiceAccount' || !allowed.includes(s.name ?? '')) {
        add(
          `subjects[${i}]`,
          `${s.kind ?? '?'} '${s.name ?? ''}' gets PolicyException write via ${ref.kind}/${ref.name}; only the exception-controller ServiceAccount (${allowed.join(', ')}) may`,
        );
      }
    });
  }
  return findings;
}

/** How many Roles and ClusterRoles the items hold (for the summary line). */
export function countRoles(items: readonly SourcedManifest[]): number {
  return items.filter((i) => isRbac(i.manifest) && ROLE_KINDS.includes(i.manifest.kind)).length;
}
