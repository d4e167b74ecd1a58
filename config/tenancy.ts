// Tenancy: orgs, the profiles they follow and the bindings of templates to an org or to one of its
// repositories. The rules that relate orgs, profiles, people and namespaces live here
// (resolveTenancy, run with the environment's other rules); expandBindings relates bindings to the
// template library and the ladder, once for validation and once for the plan, with one result.
import {
  DEFAULT_PROFILE,
  REPOSITORY_LABEL,
  type BINDING,
  type ExceptionPersona,
  type ORG,
  type PERSON,
  type PROFILE,
} from '../environments/types';
import { show } from '../lib/errors';
import type { PolicyMode } from '../lib/ladder';
import type { OutputOf } from '../lib/spec';
import { didYouMean } from '../lib/suggest';
import { POLICY_SCOPES, policyName, repositoryScope } from '../policies/naming';
import { resolveParameters } from '../policies/render';
import type { PolicyTemplate, ResourceRule } from '../policies/template';
import { excludedNamespaces, type ExclusionsEnv } from './exclusions';

export type Profile = OutputOf<typeof PROFILE.fields>;
export type Binding = OutputOf<typeof BINDING.fields>;
export type Person = OutputOf<typeof PERSON.fields>;
type ParsedOrg = OutputOf<typeof ORG.fields>;

/** An org with its profile and where its Krate objects live. */
export interface ResolvedOrg extends ParsedOrg {
  /** The environment's platform org (`org`): its profile renders cluster-wide. */
  readonly platform: boolean;
  /** The namespace its PolicyBindings and PolicyExceptionRequests live in (krate.namespace for the platform org). */
  readonly home: string;
  /** Where Krate's UI shows the org's policies (`krate.a5c.ai/ui-path`). */
  readonly uiPath: string;
}

/** What the tenancy rules read of an environment. */
export interface TenancyEnv extends ExclusionsEnv {
  readonly name: string;
  /** Kyverno's exception namespace (undefined: krate.namespace, already a platform namespace). */
  readonly kyverno: ExclusionsEnv['kyverno'] & { readonly policyNamespace?: string };
  readonly org: string;
  readonly profiles: readonly Profile[];
  readonly orgs: readonly ParsedOrg[];
  readonly people: readonly Person[];
  readonly rbac: { readonly personas: { readonly platformAdmin: readonly string[] } };
}

/** Krate UI path of an org's policies. */
export function orgUiPath(org: string): string {
  return `/orgs/${org}/policies`;
}

type Add = (path: string, message: string) => void;

/**
 * Profiles and orgs with defaults applied: an environment that lists no orgs serves its platform
 * org alone, under the built-in krate-default profile (unless it lists a profile of that name).
 * Reports duplicate names, unknown profiles, orgs without namespaces and namespaces an org cannot own.
 */
export function resolveTenancy(env: TenancyEnv, path: string, add: Add): { profiles: Profile[]; orgs: ResolvedOrg[] } {
  const profiles: Profile[] = [];
  env.profiles.forEach((p, i) => {
    if (profiles.some((q) => q.name === p.name))
      add(`${path}.profiles[${i}].name`, `'${p.name}' is listed twice; profile names must be unique`);
    else profiles.push(p);
  });
  const emails = new Set<string>();
  env.people.forEach((p, i) => {
    if (emails.has(p.email)) add(`${path}.people[${i}].email`, `'${p.email}' is listed twice; each person once, with all their groups`);
    emails.add(p.email);
  });
  const parsed: readonly ParsedOrg[] =
    env.orgs.length > 0
      ? env.orgs
      : [
          {
            slug: env.org,
            profile: DEFAULT_PROFILE.name,
            namespaces: [],
            namespaceLabel: undefined,
            personas: { exceptionRequester: [], repoAdmin: [] },
          },
        ];
  const known = (): string[] => [
    ...profiles.map((p) => p.name),
    ...(profiles.some((p) => p.name === DEFAULT_PROFILE.name) ? [] : [DEFAULT_PROFILE.name]),
  ];
  const excluded = new Set(excludedNamespaces(env));
  const owner = new Map<string, string>();
  const orgs: ResolvedOrg[] = [];
  parsed.forEach((o, i) => {
    const opath = `${path}.orgs[${i}]`;
    if (orgs.some((x) => x.slug === o.slug)) return void add(`${opath}.slug`, `'${o.slug}' is listed twice; org slugs must be unique`);
    if (!known().includes(o.profile)) {
      add(
        `${opath}.profile`,
        `'${o.profile}' is not a profile of environment ${env.name} (one of ${known().join(', ')})${didYouMean(o.profile, known())}`,
      );
    } else if (o.profile === DEFAULT_PROFILE.name && !profiles.some((p) => p.name === o.profile)) profiles.push(DEFAULT_PROFILE);
    const platform = o.slug === env.org;
    if (!platform && o.namespaces.length === 0)
      add(
        `${opath}.namespaces`,
        `org '${o.slug}' owns no namespace: list the namespaces it owns (its PolicyBindings and PolicyExceptionRequests live in the first)`,
      );
    const personaGroups = [...o.personas.exceptionRequester, ...o.personas.repoAdmin];
    if (o.namespaces.length === 0 && personaGroups.length > 0)
      add(
        `${opath}.personas`,
        `org '${o.slug}' lists no namespaces, and its personas are bound only by RoleBindings in the org's namespaces; list its namespaces, or bind platform engineers as rbac.personas.platformAdmin`,
      );
    o.namespaces.forEach((ns, j) => {
      if (excluded.has(ns))
        add(
          `${opath}.namespaces[${j}]`,
          `'${ns}' is excluded from policies in environment ${env.name} (a protected or platform namespace); an org cannot own it`,
        );
      else if (ns === env.kyverno.policyNamespace)
        // Every PolicyException lives there: no tenant's personas or policies belong in it.
        add(
          `${opath}.namespaces[${j}]`,
          `'${ns}' is kyverno.policyNamespace of environment ${env.name}, where Kyverno honours PolicyExceptions; an org cannot own it (its persona RoleBindings and policies would land there): list the org's own namespaces`,
        );
      else if (owner.has(ns))
        add(`${opath}.namespaces[${j}]`, `'${ns}' is already owned by org '${owner.get(ns)}'; a namespace belongs to one org`);
      owner.set(ns, owner.get(ns) ?? o.slug);
    });
    // The platform org's bindings describe cluster-wide policies: they stay where only platform
    // engineers write, never in a namespace of its own where its org personas are bound.
    const home = platform ? env.krate.namespace : (o.namespaces[0] ?? env.krate.namespace);
    orgs.push({ ...o, platform, home, uiPath: orgUiPath(o.slug) });
  });
  if (!orgs.some((o) => o.platform))
    add(
      `${path}.orgs`,
      `does not list the platform org '${env.org}' (the environment's org); add { slug: '${env.org}', profile: '<profile>' }, or change org`,
    );
  return { profiles, orgs };
}

/** The templates a profile's template set names ('*', '<pack>/*', template names), in library order. */
export function profileTemplates(profile: Profile, templates: readonly PolicyTemplate[]): PolicyTemplate[] {
  const set = new Set(profile.templates);
  return templates.filter((t) => set.has('*') || set.has(`${t.pack}/*`) || set.has(t.name));
}

/** Reports template-set entries that name no template or pack (profiles as resolveTenancy lists them: the environment's first). */
export function checkProfileTemplates(profiles: readonly Profile[], templates: readonly PolicyTemplate[], path: string, add: Add): void {
  const names = templates.map((t) => t.name);
  const packs: string[] = [...new Set(templates.map((t) => t.pack))];
  profiles.forEach((profile, i) => {
    profile.templates.forEach((entry, j) => {
      const pack = entry.endsWith('/*') ? entry.slice(0, -2) : undefined;
      if (entry === '*' || (pack !== undefined && packs.includes(pack)) || names.includes(entry)) return;
      add(
        `${path}.profiles[${i}].templates[${j}]`,
        pack !== undefined
          ? `'${entry}' names no pack (one of ${packs.join(', ')})${didYouMean(pack, packs)}`
          : `'${entry}' is not a template${didYouMean(entry, names)}; write a template name, '<pack>/*' or '*'`,
      );
    });
  });
}

/** The people in any group of these personas of an org. */
export function personaGroups(env: TenancyEnv, org: ResolvedOrg, personas: readonly ExceptionPersona[]): string[] {
  return [...new Set(personas.flatMap((p) => (p === 'platformAdmin' ? env.rbac.personas.platformAdmin : org.personas[p])))];
}

/** Why `email` may not act as one of these personas of the org, or undefined when it may. */
export function personaProblem(
  env: TenancyEnv,
  org: ResolvedOrg,
  email: string,
  personas: readonly ExceptionPersona[],
): string | undefined {
  const person = env.people.find((p) => p.email === email);
  const groups = personaGroups(env, org, personas);
  if (!person) return `${show(email)} is not in the people of environment ${env.name} (people[].email); add them with their groups`;
  if (!person.groups.some((g) => groups.includes(g)))
    return `${show(email)} is in ${person.groups.join(', ')}, none of them a group of ${personas.join('/')} for org '${org.slug}' (${groups.length > 0 ? groups.join(', ') : 'no groups'})`;
  return undefined;
}

/** One template a binding binds in an environment, with its mode and scope. */
export interface ExpandedBinding {
  readonly binding: Binding;
  /** Index in the environment's bindings, for messages. */
  readonly index: number;
  readonly org: ResolvedOrg;
  readonly profile: Profile;
  readonly template: PolicyTemplate;
  readonly mode: PolicyMode;
  /** `org`, or `repo-<name>`. */
  readonly scope: string;
  /** resourceRules narrowed to the binding's kinds. @default the template's */
  readonly resourceRules?: readonly ResourceRule[];
  /** The repository label selector of a repository binding. */
  readonly objectSelector?: { readonly matchLabels: Readonly<Record<string, string>> };
}

/** What expandBindings needs: the environment with its orgs and profiles resolved. */
export interface BindingEnv extends TenancyEnv {
  readonly bindings: readonly Binding[];
  readonly orgs: readonly ResolvedOrg[];
}

/**
 * The templates each binding of the environment binds here, in binding order, with their mode:
 * the binding's own (or its profile posture's), never above what the ladder gives the template in
 * this environment, never enforce under an audit profile, and enforce on a repository only with a
 * platform approver. `ladderMode` is the ladder's mode of a template here (undefined: not
 * rendered). Every broken rule goes to `add`; a binding with a problem binds nothing.
 */
export function expandBindings(
  env: BindingEnv,
  templates: readonly PolicyTemplate[],
  ladderMode: (template: string) => PolicyMode | undefined,
  path: string,
  add: Add,
): ExpandedBinding[] {
  const out: ExpandedBinding[] = [];
  const names = templates.map((t) => t.name);
  const seen = new Map<string, { index: number; org: string; scope: string }>();
  // The platform org's cluster-wide policies (index -1) claim their names before any binding.
  const platform = env.orgs.find((o) => o.platform);
  const platformProfile = platform && env.profiles.find((p) => p.name === platform.profile);
  if (platform && platformProfile)
    for (const t of profileTemplates(platformProfile, templates))
      if (ladderMode(t.name))
        seen.set(policyName(platform.slug, POLICY_SCOPES.cluster, t.name), { index: -1, org: platform.slug, scope: POLICY_SCOPES.cluster });
  env.bindings.forEach((b, index) => {
    const bpath = `${path}.bindings[${index}]`;
    if (b.environments && !b.environments.includes(env.name as (typeof b.environments)[number])) return;
    const org = env.orgs.find((o) => o.slug === b.org);
    if (!org) {
      const slugs = env.orgs.map((o) => o.slug);
      return void add(
        `${bpath}.org`,
        `'${b.org}' is not an org of environment ${env.name} (one of ${slugs.join(', ')})${didYouMean(b.org, slugs)}`,
      );
    }
    const profile = env.profiles.find((p) => p.name === org.profile);
    if (!profile) return; // reported with the org
    if (org.namespaces.length === 0 && !org.namespaceLabel)
      return void add(
        `${bpath}.org`,
        `org '${org.slug}' has no namespaces and no namespaceLabel, so a binding of it would match every namespace; the platform org's cluster-wide policies come from its profile`,
      );
    const allowed = profileTemplates(profile, templates);
    let chosen: PolicyTemplate[];
    if (b.template === '*') chosen = allowed;
    else if (!names.includes(b.template))
      return void add(
        `${bpath}.template`,
        `'${b.template}' is not a template${didYouMean(b.template, names)}; templates are the folders policies/<pack>/<template>/`,
      );
    else if (!allowed.some((t) => t.name === b.template))
      return void add(
        `${bpath}.template`,
        `'${b.template}' is not in profile '${profile.name}' of org '${org.slug}' (${profile.templates.join(', ')}); bind a template of the profile, or add it to the profile`,
      );
    else chosen = allowed.filter((t) => t.name === b.template);
    if (b.surfaces) chosen = chosen.filter((t) => (b.surfaces as readonly string[]).includes(t.surface));
    if (b.kinds) {
      const kinds = b.kinds;
      const resources = (t: PolicyTemplate): string[] => t.resourceRules.flatMap((r) => [...r.resources]);
      if (b.template !== '*') {
        const t = chosen[0];
        const unknown = t ? kinds.filter((k) => !resources(t).includes(k)) : [];
        if (unknown.length > 0)
          return void add(
            `${bpath}.kinds`,
            `${unknown.map((k) => `'${k}'`).join(', ')} not matched by template ${t.name} (it matches ${resources(t).join(', ')})`,
          );
      }
      chosen = chosen.filter((t) => kinds.some((k) => resources(t).includes(k)));
    }
    if (chosen.length === 0)
      return void add(
        bpath,
        `binds nothing: no template of '${b.template}' in profile '${profile.name}' is left after surfaces/kinds; widen them or remove the binding`,
      );

    const asked = b.mode ?? (profile.posture === 'enforce' && !b.repository ? 'enforce' : 'audit');
    if (asked === 'enforce' && profile.posture === 'audit')
      return void add(
        `${bpath}.mode`,
        `'enforce' under profile '${profile.name}', whose posture is audit; its bindings never enforce (use a profile with posture enforce or mixed)`,
      );
    if (b.repository && asked === 'enforce' && b.approver === undefined)
      return void add(
        `${bpath}.mode`,
        `'enforce' on repository '${b.repository}' without an approver: a repository binding is audit-only unless a platform engineer approves it (set approver, or remove mode)`,
      );
    if (b.approver !== undefined) {
      const problem = personaProblem(env, org, b.approver, ['platformAdmin']);
      if (problem) return void add(`${bpath}.approver`, `${problem}; only a platform engineer approves a binding`);
    }
    if (Object.keys(b.parameters).length > 0) {
      for (const t of chosen) {
        try {
          resolveParameters(t, b.parameters, `${bpath}.parameters`);
        } catch (e) {
          for (const p of (e as { problems?: readonly string[] }).problems ?? [String(e)])
            add(p.slice(0, p.indexOf(': ')), p.slice(p.indexOf(': ') + 2));
          return;
        }
      }
    }
    const scope = b.repository ? repositoryScope(b.repository) : POLICY_SCOPES.org;
    for (const template of chosen) {
      const ladder = ladderMode(template.name);
      if (!ladder) {
        if (b.environments && b.template !== '*')
          add(
            `${bpath}.environments`,
            `lists ${env.name}, but the ladder does not render '${template.name}' there yet (environments/rollout.ts); remove ${env.name} or promote the template first`,
          );
        continue;
      }
      const name = policyName(org.slug, scope, template.name);
      const twice = seen.get(name);
      if (twice !== undefined) {
        add(
          bpath,
          twice.index === -1
            ? `generates policy ${name} (org '${org.slug}', scope ${scope}), the name of the platform org '${twice.org}''s cluster-wide policy for it; policy names are cluster-wide: rename the repository or the org`
            : twice.org === org.slug && twice.scope === scope
              ? `binds '${template.name}' to scope ${scope} of org '${org.slug}' again (bindings[${twice.index}] already does, as ${name}); merge the two`
              : // Policy names are cluster-wide: 'krate-a-repo-b-org-x' is org a-repo-b's org scope and org a's repository b-org.
                `generates policy ${name} (org '${org.slug}', scope ${scope}), the name bindings[${twice.index}] (org '${twice.org}', scope ${twice.scope}) generates too; policy names are cluster-wide: rename the repository or the org`,
        );
        continue;
      }
      seen.set(name, { index, org: org.slug, scope });
      const mode: PolicyMode = asked === 'enforce' && ladder === 'Enforce' ? 'Enforce' : 'Audit';
      const resourceRules = b.kinds
        ? template.resourceRules
            .map((r) => ({ ...r, resources: r.resources.filter((res) => b.kinds!.includes(res)) }))
            .filter((r) => r.resources.length > 0)
        : undefined;
      out.push({
        binding: b,
        index,
        org,
        profile,
        template,
        mode,
        scope,
        ...(resourceRules ? { resourceRules } : {}),
        ...(b.repository ? { objectSelector: { matchLabels: { [REPOSITORY_LABEL]: b.repository } } } : {}),
      });
    }
  });
  return out;
}
