import { resolveConfig } from '../../config/resolve';
import { renderPolicy } from '../../policies/render';
import { problemsOf } from '../support/problems';
import { EXCEPTIONS, ROLLOUT, resolveFixture, tenantSources } from '../support/fixtures';

const resolveTenants = (patch?: (env: Record<string, any>) => void, exceptions?: unknown) =>
  resolveConfig(tenantSources(patch, exceptions === undefined ? {} : { exceptions }));
const problems = (patch: (env: Record<string, any>) => void) => problemsOf(() => resolveTenants(patch));
const dev = (patch?: (env: Record<string, any>) => void) => resolveTenants(patch).environments.find((e) => e.name === 'dev')!;
const FIX = '(edit environments/dev.ts)';

describe('tenancy: orgs and profiles', () => {
  it('serves the platform org alone under the built-in krate-default profile when an environment lists no orgs', () => {
    const staging = resolveFixture().environments.find((e) => e.name === 'staging')!;
    expect(staging.orgs.map((o) => [o.slug, o.profile, o.platform, o.home])).toEqual([['a5c', 'krate-default', true, 'krate-system']]);
    expect(staging.profiles.map((p) => [p.name, p.posture])).toEqual([['krate-default', 'enforce']]);
  });

  it('resolves every org with its home namespace and UI path', () => {
    expect(dev().orgs.map((o) => [o.slug, o.profile, o.home, o.uiPath])).toEqual([
      ['a5c', 'platform', 'krate-system', '/orgs/a5c/policies'],
      ['shop', 'production-strict', 'shop', '/orgs/shop/policies'],
      ['labs', 'sandbox', 'labs', '/orgs/labs/policies'],
    ]);
  });

  it("keeps the platform org's PolicyBindings in krate.namespace even when it owns namespaces (its org personas are bound there)", () => {
    const env = dev((e) => {
      e.orgs[0].namespaces = ['platform-team'];
      e.orgs[0].personas = { repoAdmin: ['krate-developers'] };
    });
    expect(env.orgs[0]).toMatchObject({ slug: 'a5c', platform: true, home: 'krate-system', namespaces: ['platform-team'] });
    const cluster = env.plan.policies.filter((p) => p.scope === 'cluster');
    expect(cluster.length).toBeGreaterThan(0);
    expect(new Set(cluster.map((p) => p.bindingNamespace))).toEqual(new Set(['krate-system']));
  });

  it('fails when two profiles share a name', () => {
    expect(problems((e) => e.profiles.push({ ...e.profiles[1] }))).toContain(
      `environments.dev.profiles[3].name: 'production-strict' is listed twice; profile names must be unique ${FIX}`,
    );
  });

  it('fails when two orgs share a slug', () => {
    expect(problems((e) => e.orgs.push({ slug: 'shop', profile: 'sandbox', namespaces: ['shop-2'] }))).toContain(
      `environments.dev.orgs[3].slug: 'shop' is listed twice; org slugs must be unique ${FIX}`,
    );
  });

  it('fails when an org follows a profile the environment does not have', () => {
    expect(problems((e) => (e.orgs[1].profile = 'production-strikt'))).toContain(
      `environments.dev.orgs[1].profile: 'production-strikt' is not a profile of environment dev (one of platform, production-strict, sandbox, krate-default) (did you mean 'production-strict'?) ${FIX}`,
    );
  });

  it('fails when the platform org is not among the orgs', () => {
    expect(problems((e) => (e.orgs = e.orgs.slice(1)))).toContain(
      `environments.dev.orgs: does not list the platform org 'a5c' (the environment's org); add { slug: 'a5c', profile: '<profile>' }, or change org ${FIX}`,
    );
  });

  it('fails when a tenant org owns no namespace', () => {
    expect(problems((e) => (e.orgs[2].namespaces = []))).toContain(
      `environments.dev.orgs[2].namespaces: org 'labs' owns no namespace: list the namespaces it owns (its PolicyBindings and PolicyExceptionRequests live in the first) ${FIX}`,
    );
  });

  it('fails when an org without namespaces has persona groups (they are bound only in its namespaces)', () => {
    expect(problems((e) => (e.orgs[0].personas = { repoAdmin: ['krate-repo-admins'] }))).toContain(
      `environments.dev.orgs[0].personas: org 'a5c' lists no namespaces, and its personas are bound only by RoleBindings in the org's namespaces; list its namespaces, or bind platform engineers as rbac.personas.platformAdmin ${FIX}`,
    );
  });

  it('fails when an org claims an excluded namespace', () => {
    expect(problems((e) => e.orgs[1].namespaces.push('kyverno'))).toContain(
      `environments.dev.orgs[1].namespaces[2]: 'kyverno' is excluded from policies in environment dev (a protected or platform namespace); an org cannot own it ${FIX}`,
    );
  });

  it("fails when an org claims Kyverno's exception namespace (kyverno.policyNamespace)", () => {
    const claim = (e: Record<string, any>) => {
      e.kyverno.policyNamespace = 'policy-exceptions';
      e.orgs[1].namespaces.push('policy-exceptions');
    };
    expect(problems(claim)).toEqual([
      `environments.dev.orgs[1].namespaces[2]: 'policy-exceptions' is kyverno.policyNamespace of environment dev, where Kyverno honours PolicyExceptions; an org cannot own it (its persona RoleBindings and policies would land there): list the org's own namespaces ${FIX}`,
    ]);
  });

  it('fails when two orgs claim one namespace', () => {
    expect(problems((e) => e.orgs[2].namespaces.push('shop-payments'))).toContain(
      `environments.dev.orgs[2].namespaces[1]: 'shop-payments' is already owned by org 'shop'; a namespace belongs to one org ${FIX}`,
    );
  });

  it('fails when a person is listed twice', () => {
    expect(problems((e) => e.people.push({ email: 'dana@a5c.ai', groups: ['x'] }))).toContain(
      `environments.dev.people[5].email: 'dana@a5c.ai' is listed twice; each person once, with all their groups ${FIX}`,
    );
  });

  it('fails when a profile posture is not audit, enforce or mixed', () => {
    expect(problems((e) => (e.profiles[1].posture = 'strict'))).toContain(
      `environments.dev.profiles[1].posture: 'strict' is not one of audit|enforce|mixed ${FIX}`,
    );
  });

  it('fails when a profile template set names no template or pack', () => {
    expect(problems((e) => e.profiles[2].templates.push('best-practise/*', 'require-label'))).toEqual([
      `environments.dev.profiles[2].templates[1]: 'best-practise/*' names no pack (one of krate, pod-security-baseline, pod-security-restricted, best-practices) (did you mean 'best-practices'?) ${FIX}`,
      `environments.dev.profiles[2].templates[2]: 'require-label' is not a template (did you mean 'require-labels'?); write a template name, '<pack>/*' or '*' ${FIX}`,
    ]);
  });
});

describe('tenancy: bindings', () => {
  const policies = (env = dev()) => env.plan.policies.filter((p) => !p.org.platform);

  it('plans each binding in its scope and mode, named krate-{org}-{scope}-{template}', () => {
    expect(policies().map((p) => [p.name, p.mode, p.bindingNamespace, p.profile.name])).toEqual([
      // require-run-as-nonroot is audit:staging: audit in dev whatever the profile.
      ['krate-shop-org-require-run-as-nonroot', 'Audit', 'shop', 'production-strict'],
      // A repository binding stays in audit without an approver, though require-labels enforces in dev.
      ['krate-shop-repo-checkout-require-labels', 'Audit', 'shop', 'production-strict'],
      // Approved by a platform engineer, and the ladder enforces disallow-latest-tag in dev.
      ['krate-shop-repo-payments-disallow-latest-tag', 'Enforce', 'shop', 'production-strict'],
      // The sandbox profile never enforces.
      ['krate-labs-org-require-resource-limits', 'Audit', 'labs', 'sandbox'],
    ]);
  });

  it("matches an org binding to the org's namespaces, a repository binding also to the repository label", () => {
    const [org, repo, , labs] = policies();
    expect(org.options.namespaceSelector?.matchExpressions?.at(-1)).toEqual({
      key: 'kubernetes.io/metadata.name',
      operator: 'In',
      values: ['shop', 'shop-payments'],
    });
    expect(repo.options.objectSelector).toEqual({ matchLabels: { 'krate.a5c.ai/repository': 'checkout' } });
    expect(repo.options.parameters).toEqual({ labels: ['team', 'app', 'cost-center'] });
    // labs is marked by a namespace label: its policies match the label, not names.
    expect(labs.options.namespaceSelector?.matchExpressions?.at(-1)).toEqual({ key: 'krate.a5c.ai/org', operator: 'In', values: ['labs'] });
    expect(labs.options.failurePolicy).toBe('Ignore');
  });

  it('never exceeds the ladder: an enforce binding of a template the ladder audits renders in Audit', () => {
    const env = dev((e) => (e.bindings[0] = { org: 'shop', template: 'require-run-as-nonroot', mode: 'enforce' }));
    expect(policies(env)[0].mode).toBe('Audit');
  });

  it('keeps to the environments a binding names, and skips an environment the ladder has not reached', () => {
    const env = dev((e) => (e.bindings[3].environments = ['staging']));
    expect(policies(env).map((p) => p.name)).not.toContain('krate-labs-org-require-resource-limits');
  });

  it("binds every template of the org's profile with '*', narrowed by surfaces and kinds", () => {
    const env = dev((e) => (e.bindings = [{ org: 'labs', template: '*', kinds: ['pods'] }]));
    expect(
      policies(env)
        .map((p) => p.template.name)
        .sort(),
    ).toEqual(['disallow-latest-tag', 'require-labels', 'require-resource-limits']);
    expect(policies(env).every((p) => p.options.resourceRules?.every((r) => r.resources.join() === 'pods'))).toBe(true);
  });

  it("follows the profile's posture: mixed bindings audit unless they ask, and enforce with the profile's failure policy", () => {
    const env = dev((e) => {
      e.profiles[1].posture = 'mixed';
      e.profiles[1].failurePolicy = 'Ignore';
      e.bindings = [
        { org: 'shop', template: 'disallow-latest-tag' },
        { org: 'shop', template: 'require-labels', mode: 'enforce' },
      ];
    });
    const [latest, labels] = policies(env);
    expect([latest.mode, labels.mode]).toEqual(['Audit', 'Enforce']);
    const rendered = renderPolicy(labels.template, labels.options);
    expect((rendered.spec as { failurePolicy: string }).failurePolicy).toBe('Ignore');
    expect((renderPolicy(latest.template, latest.options).spec as { failurePolicy: string }).failurePolicy).toBe('Ignore');
  });

  it("caps the platform org's cluster-wide policies at audit under an audit profile", () => {
    const env = dev((e) => (e.profiles[0].posture = 'audit'));
    const cluster = env.plan.policies.filter((p) => p.org.platform);
    expect(cluster.length).toBeGreaterThan(0);
    expect(cluster.every((p) => p.mode === 'Audit')).toBe(true);
    // Without the cap the ladder enforces disallow-latest-tag in dev.
    expect(dev().plan.policies.find((p) => p.name === 'krate-a5c-cluster-disallow-latest-tag')?.mode).toBe('Enforce');
  });

  it('keeps names at most 63 characters with the truncate-and-hash rule', () => {
    const env = dev(
      (e) => (e.bindings = [{ org: 'shop', repository: 'a-very-long-repository-name-for-checkout', template: 'require-labels' }]),
    );
    const [p] = policies(env);
    expect(p.name.length).toBeLessThanOrEqual(63);
    expect(p.name).toMatch(/^krate-shop-repo-a-very-long-repository-name-for-checko-[0-9a-f]{8}$/);
  });

  it('fails when a binding names an org the environment does not serve', () => {
    expect(problems((e) => (e.bindings[0].org = 'shpo'))).toContain(
      `environments.dev.bindings[0].org: 'shpo' is not an org of environment dev (one of a5c, shop, labs) (did you mean 'shop'?) ${FIX}`,
    );
  });

  it('fails when a binding names an unknown template', () => {
    expect(problems((e) => (e.bindings[0].template = 'require-run-as-nonrot'))).toContain(
      `environments.dev.bindings[0].template: 'require-run-as-nonrot' is not a template (did you mean 'require-run-as-nonroot'?); templates are the folders policies/<pack>/<template>/ ${FIX}`,
    );
  });

  it("fails when a binding names a template outside its org's profile", () => {
    expect(problems((e) => (e.bindings[0].template = 'disallow-host-path'))).toContain(
      `environments.dev.bindings[0].template: 'disallow-host-path' is not in profile 'production-strict' of org 'shop' (pod-security-restricted/*, best-practices/*); bind a template of the profile, or add it to the profile ${FIX}`,
    );
  });

  it('fails when a binding asks for enforce under an audit profile', () => {
    expect(problems((e) => (e.bindings[3].mode = 'enforce'))).toContain(
      `environments.dev.bindings[3].mode: 'enforce' under profile 'sandbox', whose posture is audit; its bindings never enforce (use a profile with posture enforce or mixed) ${FIX}`,
    );
  });

  it('fails when a repository binding asks for enforce without an approver', () => {
    expect(problems((e) => (e.bindings[1].mode = 'enforce'))).toContain(
      `environments.dev.bindings[1].mode: 'enforce' on repository 'checkout' without an approver: a repository binding is audit-only unless a platform engineer approves it (set approver, or remove mode) ${FIX}`,
    );
  });

  it('fails when the approver is not in the people data', () => {
    expect(problems((e) => (e.bindings[2].approver = 'someone@a5c.ai'))).toContain(
      `environments.dev.bindings[2].approver: 'someone@a5c.ai' is not in the people of environment dev (people[].email); add them with their groups; only a platform engineer approves a binding ${FIX}`,
    );
  });

  it('fails when the approver is not a platform engineer (a repo admin cannot approve their own enforce)', () => {
    expect(problems((e) => (e.bindings[2].approver = 'lee@a5c.ai'))).toContain(
      `environments.dev.bindings[2].approver: 'lee@a5c.ai' is in krate-developers, shop-repo-admins, none of them a group of platformAdmin for org 'shop' (krate-platform); only a platform engineer approves a binding ${FIX}`,
    );
  });

  it("fails when a binding's kinds are not matched by its template", () => {
    expect(problems((e) => (e.bindings[0].kinds = ['ingresses']))).toContain(
      `environments.dev.bindings[0].kinds: 'ingresses' not matched by template require-run-as-nonroot (it matches pods) ${FIX}`,
    );
  });

  it('fails when surfaces leave a binding nothing to bind', () => {
    expect(problems((e) => (e.bindings[0].surfaces = ['pr']))).toContain(
      `environments.dev.bindings[0]: binds nothing: no template of 'require-run-as-nonroot' in profile 'production-strict' is left after surfaces/kinds; widen them or remove the binding ${FIX}`,
    );
  });

  it("fails when a surface is not one of Krate's", () => {
    expect(problems((e) => (e.bindings[0].surfaces = ['pods']))).toContain(
      `environments.dev.bindings[0].surfaces[0]: 'pods' is not one of repo|pr|run|runner|deployment|hook|identity|workload ${FIX}`,
    );
  });

  it('fails when a binding names an environment the ladder has not reached for its template', () => {
    // unique-ingress-host is a draft in the fixture rollout.
    expect(problems((e) => e.bindings.push({ org: 'shop', template: 'unique-ingress-host', environments: ['dev'] }))).toContain(
      `environments.dev.bindings[4].environments: lists dev, but the ladder does not render 'unique-ingress-host' there yet (environments/rollout.ts); remove dev or promote the template first ${FIX}`,
    );
  });

  it("fails when a binding's parameters do not fit its template", () => {
    expect(problems((e) => (e.bindings[1].parameters = { label: ['team'] }))).toContain(
      `environments.dev.bindings[1].parameters.label: unknown parameter of template require-labels (known: labels) ${FIX}`,
    );
  });

  it('fails when two bindings bind one template to one scope', () => {
    expect(problems((e) => e.bindings.push({ org: 'shop', template: 'require-run-as-nonroot', mode: 'audit' }))).toContain(
      `environments.dev.bindings[4]: binds 'require-run-as-nonroot' to scope org of org 'shop' again (bindings[0] already does, as krate-shop-org-require-run-as-nonroot); merge the two ${FIX}`,
    );
  });

  it('fails when a repository name is not a label value (more than 63 characters), saying what one is', () => {
    const long = 'pipelines-for-the-customer-data-warehouse-and-the-reporting-stack';
    expect(problems((e) => e.bindings.push({ org: 'shop', repository: long, template: 'require-labels' }))).toContain(
      `environments.dev.bindings[4].repository: '${long}' is not a valid label value (1–63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit) ${FIX}`,
    );
  });

  it("fails when two orgs' bindings generate one policy name (org a-repo-b's org scope is org a's repository b-org)", () => {
    const colliding = (e: Record<string, any>) => {
      e.orgs.push({ slug: 'shop-repo-web', profile: 'production-strict', namespaces: ['web'] });
      e.bindings.push(
        { org: 'shop-repo-web', template: 'require-labels' },
        { org: 'shop', repository: 'web-org', template: 'require-labels' },
      );
    };
    expect(problems(colliding)).toEqual([
      `environments.dev.bindings[5]: generates policy krate-shop-repo-web-org-require-labels (org 'shop', scope repo-web-org), the name bindings[4] (org 'shop-repo-web', scope org) generates too; policy names are cluster-wide: rename the repository or the org ${FIX}`,
    ]);
  });
});

describe("tenancy: the platform org's cluster-wide policy names", () => {
  it("fails when a binding generates the name of the platform org's cluster-wide policy (org x's repository y-cluster is platform org x-repo-y's cluster scope)", () => {
    const colliding = (e: Record<string, any>) => {
      e.org = 'x-repo-y';
      e.orgs[0].slug = 'x-repo-y';
      e.orgs.push({ slug: 'x', profile: 'platform', namespaces: ['x'] });
      e.bindings.push({ org: 'x', repository: 'y-cluster', template: 'require-labels' });
    };
    expect(problems(colliding)).toContain(
      `environments.dev.bindings[4]: generates policy krate-x-repo-y-cluster-require-labels (org 'x', scope repo-y-cluster), the name of the platform org 'x-repo-y''s cluster-wide policy for it; policy names are cluster-wide: rename the repository or the org ${FIX}`,
    );
  });
});

describe('tenancy: exceptions follow their org profile', () => {
  const shopException = {
    name: 'shop-root',
    org: 'shop',
    environment: 'dev',
    template: 'require-run-as-nonroot',
    namespaces: ['shop-payments'],
    names: ['legacy-gateway'],
    justification: 'The legacy payment gateway image runs as root until the vendor ships a rootless build.',
    ticket: 'SHOP-77',
    requester: 'dana@a5c.ai',
    approver: 'platform-lead@a5c.ai',
    requested: '2026-11-30',
    expiresAt: '2026-12-14',
  };
  const exceptionProblems = (patch: Record<string, unknown>, envPatch?: (env: Record<string, any>) => void) =>
    problemsOf(() => resolveTenants(envPatch, [...EXCEPTIONS, { ...shopException, ...patch }]));
  const EX = '(edit environments/exceptions.ts)';

  it("references only the org's own policies of the template", () => {
    const env = resolveTenants(undefined, [...EXCEPTIONS, shopException]).environments.find((e) => e.name === 'dev')!;
    expect(env.plan.exceptions.find((e) => e.request.name === 'shop-root')?.policyRefs).toEqual([
      { name: 'krate-shop-org-require-run-as-nonroot', kind: 'ValidatingPolicy' },
    ]);
  });

  it("fails when it runs longer than its org's profile allows", () => {
    expect(exceptionProblems({ expiresAt: '2026-12-20' })).toContain(
      `exceptions.shop-root.expiresAt: '2026-12-20' is 20 days after requested '2026-11-30'; profile 'production-strict' of org 'shop' allows at most 14 in environment dev (profiles[].exceptions.maxDays); shorten it or renew it later with a new request ${EX}`,
    );
  });

  it("fails when the justification is shorter than its org's profile asks", () => {
    expect(exceptionProblems({ justification: 'The gateway image runs as root for now.' })).toContain(
      `exceptions.shop-root.justification: 'The gateway image runs as root for now.' is too short: say why the bypass is needed (profile 'production-strict' of org 'shop' asks for at least 40 characters) ${EX}`,
    );
  });

  it("fails when the approver is not in the profile's approver groups", () => {
    expect(exceptionProblems({ approver: 'lee@a5c.ai' })).toContain(
      `exceptions.shop-root.approver: 'lee@a5c.ai' is in krate-developers, shop-repo-admins, none of them a group of platformAdmin for org 'shop' (krate-platform); profile 'production-strict' lets platformAdmin approve ${EX}`,
    );
  });

  it("fails when the requester is not in the profile's requester groups (another org's developer)", () => {
    expect(exceptionProblems({ requester: 'sam@a5c.ai' })).toContain(
      `exceptions.shop-root.requester: 'sam@a5c.ai' is in labs-developers, none of them a group of exceptionRequester for org 'shop' (shop-developers); profile 'production-strict' lets exceptionRequester request ${EX}`,
    );
  });

  it('fails when it covers a namespace of another org', () => {
    expect(exceptionProblems({ namespaces: ['labs'] })).toContain(
      `exceptions.shop-root.namespaces[0]: 'labs' is not a namespace of org 'shop' (shop, shop-payments); an org's exception covers only its own namespaces ${EX}`,
    );
  });

  it('fails when its org is unknown', () => {
    expect(exceptionProblems({ org: 'shpo' })).toContain(
      `exceptions.shop-root.org: 'shpo' is not an org of environment dev (one of a5c, shop, labs) (did you mean 'shop'?) ${EX}`,
    );
  });

  it('fails when its org has no policy of the template there', () => {
    expect(exceptionProblems({ template: 'require-resource-limits', namespaces: ['shop'] })).toContain(
      `exceptions.shop-root.template: org 'shop' has no policy of 'require-resource-limits' in dev (no binding of it renders there), so the exception has nothing to bypass; remove it, or bind the template first ${EX}`,
    );
  });

  it("fails with only the binding's problem when another binding of the environment is broken (its exceptions are not called orphans)", () => {
    const typo = (e: Record<string, any>) => e.bindings.push({ org: 'shpo', template: 'require-labels' });
    expect(exceptionProblems({}, typo)).toEqual([
      `environments.dev.bindings[4].org: 'shpo' is not an org of environment dev (one of a5c, shop, labs) (did you mean 'shop'?) ${FIX}`,
    ]);
  });

  it("fails with only the rollout's problem when the rollout is invalid (bindings and exceptions are not called orphans)", () => {
    const rollout = { ...ROLLOUT, 'require-run-as-nonroot': { ...ROLLOUT['require-run-as-nonroot'], stage: 'audit:stagin' } };
    expect(problemsOf(() => resolveConfig(tenantSources(undefined, { rollout, exceptions: [...EXCEPTIONS, shopException] })))).toEqual([
      `rollout.require-run-as-nonroot.stage: 'audit:stagin' is not one of draft|audit:dev|audit:staging|audit:prod|enforce:dev|enforce:staging|enforce:prod (edit environments/rollout.ts)`,
    ]);
  });

  it("fails when risk acceptance is missing for the org's enforced policy, unless its profile waives it", () => {
    const enforcing = (e: Record<string, any>) => (e.bindings[0] = { org: 'shop', template: 'disallow-latest-tag' });
    expect(exceptionProblems({ template: 'disallow-latest-tag' }, enforcing)).toContain(
      `exceptions.shop-root.riskAcceptance: missing: 'disallow-latest-tag' enforces in dev for org 'shop', and profile 'production-strict' requires the approver to record the accepted risk ${EX}`,
    );
    const waived = (e: Record<string, any>) => {
      enforcing(e);
      e.profiles[1].exceptions.riskAcceptanceForEnforce = false;
    };
    expect(() => resolveTenants(waived, [...EXCEPTIONS, { ...shopException, template: 'disallow-latest-tag' }])).not.toThrow();
  });
});
