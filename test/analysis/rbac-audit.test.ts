import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../support/fixtures';
import { resolveEnvironments } from '../support/fixtures';
import { ConfigError } from '../../lib/errors';
import { parseManifests, readManifests } from '../../lib/manifests';
import { DIST_DIR, REPO_ROOT } from '../../lib/paths';
import { auditRbac, formatRbacFinding, PERSONA_LABEL, type RbacAuditOptions } from '../../analysis/rbac-audit';

const audit = (yaml: string, options?: RbacAuditOptions): string[] =>
  auditRbac(parseManifests(yaml, 'rbac.yaml'), options).map(formatRbacFinding);
const clusterRole = (rules: string): string =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n${rules}`;
const PE_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pe-write, namespace: krate-system}
rules:
  - {apiGroups: [policies.kyverno.io], resources: [policyexceptions], verbs: [create, get]}
`;
const binding = (kind: string, namespace: string | undefined, subjects: string): string =>
  `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: {name: b${namespace ? `, namespace: ${namespace}` : ''}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pe-write}\nsubjects:\n${subjects}`;

describe('RBAC audit', () => {
  it.each(resolveEnvironments(ENVIRONMENTS).map((e) => [e.name, e.kyverno.policyNamespace] as const))(
    'passes every Role and ClusterRole in dist/%s',
    (env, ns) => {
      const items = readManifests([join(DIST_DIR, env)]);
      expect(items.filter((i) => /Role$/.test(i.manifest.kind)).length).toBeGreaterThan(0);
      expect(auditRbac(items, { exceptionNamespace: ns, platformGroups: ['krate-platform'] }).map(formatRbacFinding)).toEqual([]);
      // Org personas are bound only in their org's namespaces.
      const orgBindings = items.filter(
        (i) => i.manifest.kind === 'RoleBinding' && /-(exception-requester|repo-admin)-/.test(i.manifest.metadata.name),
      );
      expect(orgBindings.map((i) => i.manifest.metadata.namespace).sort()).toEqual([
        'labs',
        'labs',
        'shop',
        'shop',
        'shop-payments',
        'shop-payments',
      ]);
    },
  );

  describe('krate-policy-cluster-write', () => {
    const KRATE_WRITER = clusterRole(
      '  - {apiGroups: [krate.a5c.ai], resources: [policybindings, policyexceptionrequests], verbs: [get, create, delete]}\n',
    ).replace('name: r', 'name: krate-writer');
    const crb = (subjects: string) =>
      `${KRATE_WRITER}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: krate-writer}\nsubjects:\n${subjects}`;

    it('fails when a group of people is bound cluster-wide to write Krate policy resources', () => {
      expect(audit(crb('  - {kind: Group, name: krate-developers}\n'), { platformGroups: ['krate-platform'] })).toEqual([
        "rbac.yaml: ClusterRoleBinding/b: subjects[0]: krate-policy-cluster-write: Group 'krate-developers' gets write on krate.a5c.ai policybindings, policyexceptionrequests cluster-wide via ClusterRole/krate-writer; bind it with RoleBindings in the org's namespaces (only platform engineers: krate-platform keep cluster-wide rights)",
      ]);
    });

    it('fails when a user is bound cluster-wide to write them, and when no platform group is named', () => {
      expect(audit(crb('  - {kind: User, name: dana@a5c.ai}\n  - {kind: Group, name: krate-platform}\n'))).toEqual([
        "rbac.yaml: ClusterRoleBinding/b: subjects[0]: krate-policy-cluster-write: User 'dana@a5c.ai' gets write on krate.a5c.ai policybindings, policyexceptionrequests cluster-wide via ClusterRole/krate-writer; bind it with RoleBindings in the org's namespaces (only platform engineers keep cluster-wide rights)",
        "rbac.yaml: ClusterRoleBinding/b: subjects[1]: krate-policy-cluster-write: Group 'krate-platform' gets write on krate.a5c.ai policybindings, policyexceptionrequests cluster-wide via ClusterRole/krate-writer; bind it with RoleBindings in the org's namespaces (only platform engineers keep cluster-wide rights)",
      ]);
    });

    it('fails when a role granting that write is aggregated (into edit/admin, bound widely)', () => {
      const aggregated = KRATE_WRITER.replace(
        'name: krate-writer',
        'name: krate-writer, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}',
      );
      expect(audit(aggregated)).toEqual([
        'rbac.yaml: ClusterRole/krate-writer: rules[0]: krate-policy-cluster-write: grants write on krate.a5c.ai policybindings, policyexceptionrequests and is aggregated (rbac.authorization.k8s.io/aggregate-to-edit), so every holder of that role, cluster-wide, could write them; drop the label or the write verbs',
      ]);
    });

    it("fails when a ServiceAccount outside the controllers' namespaces (--controller-namespace) is bound cluster-wide to write them", () => {
      const subjects =
        '  - {kind: ServiceAccount, name: default, namespace: shop}\n  - {kind: ServiceAccount, name: krate-kyverno-controller, namespace: krate-system}\n';
      expect(audit(crb(subjects), { controllerNamespaces: ['krate-system'] })).toEqual([
        "rbac.yaml: ClusterRoleBinding/b: subjects[0]: krate-policy-cluster-write: ServiceAccount 'shop/default' gets write on krate.a5c.ai policybindings, policyexceptionrequests cluster-wide via ClusterRole/krate-writer, outside the controllers' namespaces (krate-system): a ServiceAccount in an org's namespace would write every org's policy resources; bind it with a RoleBinding in its org's namespaces, or pass its namespace to --controller-namespace if it is a platform controller",
      ]);
      // Without --controller-namespace every namespace's ServiceAccounts pass, as before.
      expect(audit(crb(subjects))).toEqual([]);
    });

    it('passes platform groups and ServiceAccounts cluster-wide, and persona groups through RoleBindings', () => {
      expect(
        audit(
          crb(
            '  - {kind: Group, name: krate-platform}\n  - {kind: ServiceAccount, name: krate-kyverno-controller, namespace: krate-system}\n',
          ),
          {
            platformGroups: ['krate-platform'],
          },
        ),
      ).toEqual([]);
      const rb = `${KRATE_WRITER}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: krate-writer}\nsubjects:\n  - {kind: Group, name: shop-developers}\n`;
      expect(audit(rb)).toEqual([]);
    });
  });

  it('fails when a rule has a wildcard verb, resource or apiGroup', () => {
    expect(audit(clusterRole("  - {apiGroups: ['*'], resources: ['pods/*'], verbs: ['*']}\n"))).toEqual([
      "rbac.yaml: ClusterRole/r: rules[0].verbs: no-wildcard: '*' grants everything that matches; list the verbs needed instead",
      "rbac.yaml: ClusterRole/r: rules[0].resources: no-wildcard: 'pods/*' grants everything that matches; list the resources needed instead",
      "rbac.yaml: ClusterRole/r: rules[0].apiGroups: no-wildcard: '*' grants everything that matches; list the apiGroups needed instead",
    ]);
  });

  it('fails when a role can read Secrets', () => {
    expect(audit(clusterRole("  - {apiGroups: [''], resources: [configmaps, secrets], verbs: [get]}\n"))).toEqual([
      "rbac.yaml: ClusterRole/r: rules[0].resources: no-secrets: grants access to Secrets; remove 'secrets' from this rule",
    ]);
  });

  it('fails when a role has escalate, bind or impersonate', () => {
    expect(
      audit(
        clusterRole(
          '  - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [get, escalate, bind]}\n  - {apiGroups: [""], resources: [users], verbs: [impersonate]}\n',
        ),
      ),
    ).toEqual([
      "rbac.yaml: ClusterRole/r: rules[0].verbs: no-escalation: 'escalate', 'bind' lets the subject grant itself more access; remove them",
      "rbac.yaml: ClusterRole/r: rules[1].verbs: no-escalation: 'impersonate' lets the subject grant itself more access; remove it",
    ]);
  });

  it('passes PolicyException write bound to the exception controller in the exception namespace', () => {
    expect(
      audit(
        PE_ROLE +
          binding('RoleBinding', 'krate-system', '  - {kind: ServiceAccount, name: krate-exception-controller, namespace: krate-system}\n'),
        { exceptionNamespace: 'krate-system' },
      ),
    ).toEqual([]);
  });

  it('fails when PolicyException write is bound to anyone but the exception-controller ServiceAccount', () => {
    expect(
      audit(
        PE_ROLE +
          binding(
            'RoleBinding',
            'krate-system',
            '  - {kind: ServiceAccount, name: krate-kyverno-controller, namespace: krate-system}\n  - {kind: Group, name: devs}\n',
          ),
      ),
    ).toEqual([
      "rbac.yaml: RoleBinding/krate-system/b: subjects[0]: policyexception-write: ServiceAccount 'krate-kyverno-controller' gets PolicyException write via Role/pe-write; only the exception-controller ServiceAccount (krate-exception-controller) may",
      "rbac.yaml: RoleBinding/krate-system/b: subjects[1]: policyexception-write: Group 'devs' gets PolicyException write via Role/pe-write; only the exception-controller ServiceAccount (krate-exception-controller) may",
    ]);
  });

  it('fails when PolicyException write is bound outside the exception namespace or cluster-wide', () => {
    const role = PE_ROLE.replace('kind: Role', 'kind: ClusterRole').replace(', namespace: krate-system', '');
    const sa = '  - {kind: ServiceAccount, name: krate-exception-controller, namespace: krate-system}\n';
    const out = audit(
      role +
        binding('RoleBinding', 'team-a', sa).replace('kind: Role,', 'kind: ClusterRole,') +
        binding('ClusterRoleBinding', undefined, sa).replace('kind: Role,', 'kind: ClusterRole,'),
      { exceptionNamespace: 'krate-system' },
    );
    expect(out).toEqual([
      "rbac.yaml: RoleBinding/team-a/b: metadata.namespace: policyexception-write: binds PolicyException write in namespace 'team-a'; only 'krate-system' (the exception namespace) may have it",
      'rbac.yaml: ClusterRoleBinding/b: roleRef: policyexception-write: binds ClusterRole/pe-write, which writes PolicyExceptions, cluster-wide; use a RoleBinding in the exception namespace',
    ]);
  });

  it('fails when a role that writes PolicyExceptions is aggregated into a default role', () => {
    const out = audit(
      clusterRole('  - {apiGroups: [kyverno.io], resources: [policyexceptions], verbs: [update]}\n').replace(
        'metadata: {name: r}',
        "metadata: {name: r, labels: {rbac.authorization.k8s.io/aggregate-to-edit: 'true'}}",
      ),
    );
    expect(out).toEqual([
      'rbac.yaml: ClusterRole/r: rules[0]: policyexception-write: grants PolicyException write and is aggregated (rbac.authorization.k8s.io/aggregate-to-edit), so every holder of that role could write exceptions; drop the label or the write verbs',
    ]);
  });

  it('fails when a role can write mutating, generating or deleting Kyverno policies (either API group)', () => {
    expect(
      audit(
        clusterRole(
          [
            '  - {apiGroups: [policies.kyverno.io], resources: [validatingpolicies, mutatingpolicies, namespacedgeneratingpolicies, deletingpolicies], verbs: [get, create]}',
            '  - {apiGroups: [kyverno.io], resources: [clusterpolicies, policyexceptions], verbs: [patch]}',
            '  - {apiGroups: [kyverno.io], resources: [clustercleanuppolicies], verbs: [delete]}',
            '',
          ].join('\n'),
        ),
      ),
    ).toEqual([
      "rbac.yaml: ClusterRole/r: rules[0]: kyverno-side-effect-policy-write: grants write on policies.kyverno.io/mutatingpolicies, policies.kyverno.io/namespacedgeneratingpolicies, policies.kyverno.io/deletingpolicies: a policy there runs with Kyverno's ServiceAccounts and can change, create or delete anything (cluster-admin by proxy); grant write on validatingpolicies / imagevalidatingpolicies only",
      "rbac.yaml: ClusterRole/r: rules[1]: kyverno-side-effect-policy-write: grants write on kyverno.io/clusterpolicies: a policy there runs with Kyverno's ServiceAccounts and can change, create or delete anything (cluster-admin by proxy); grant write on validatingpolicies / imagevalidatingpolicies only",
      "rbac.yaml: ClusterRole/r: rules[2]: kyverno-side-effect-policy-write: grants write on kyverno.io/clustercleanuppolicies: a policy there runs with Kyverno's ServiceAccounts and can change, create or delete anything (cluster-admin by proxy); grant write on validatingpolicies / imagevalidatingpolicies only",
    ]);
  });

  it('passes validating-policy write and read-only access to every Kyverno policy kind', () => {
    expect(
      audit(
        clusterRole(
          [
            '  - {apiGroups: [policies.kyverno.io], resources: [validatingpolicies, imagevalidatingpolicies], verbs: [create, update, patch, delete]}',
            '  - {apiGroups: [policies.kyverno.io, kyverno.io], resources: [mutatingpolicies, generatingpolicies, deletingpolicies, clusterpolicies, policies], verbs: [get, list, watch]}',
            '',
          ].join('\n'),
        ),
      ),
    ).toEqual([]);
  });

  describe('persona roles never write PolicyExceptions (persona-policyexception-write)', () => {
    const persona = (rules: string, extra = ''): string =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: p, labels: {krate.a5c.ai/persona: exceptionRequester}}\n${extra}rules:\n${rules}`;
    const FIX =
      'people ask for an exception with a PolicyExceptionRequest and the exception controller writes it; a persona that can write PolicyExceptions grants itself any exception';
    const personaFindings = (yaml: string): string[] => audit(yaml).filter((f) => f.includes('persona-policyexception-write'));

    it.each(resolveEnvironments(ENVIRONMENTS).map((e) => e.name))(
      'finds the four persona roles in dist/%s, none of them writing',
      (env) => {
        const items = readManifests([join(DIST_DIR, env)]);
        const personas = items.filter((i) => (i.manifest.metadata.labels as Record<string, string> | undefined)?.[PERSONA_LABEL]);
        expect(personas.map((i) => i.manifest.metadata.name).sort()).toEqual([
          'krate-kyverno-exception-requester',
          'krate-kyverno-platform-admin',
          'krate-kyverno-repo-admin',
          'krate-kyverno-viewer',
        ]);
        expect(auditRbac(items).filter((f) => f.rule === 'persona-policyexception-write')).toEqual([]);
      },
    );

    it.each(['kyverno.io', 'policies.kyverno.io'])(
      'fails when a persona role grants create/update/patch/delete/deletecollection/* on %s policyexceptions',
      (group) => {
        for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection', '*']) {
          const shown = verb === '*' ? "'*'" : verb;
          expect(personaFindings(persona(`  - {apiGroups: [${group}], resources: [policyexceptions], verbs: [get, '${verb}']}\n`))).toEqual(
            [
              `rbac.yaml: ClusterRole/p: rules[0]: persona-policyexception-write: persona role (krate.a5c.ai/persona: exceptionRequester) grants ${shown} on ${group} policyexceptions; ${FIX}: remove the write verbs (or the wildcard) from this rule`,
            ],
          );
        }
      },
    );

    it('fails when a persona role writes PolicyExceptions through a wildcard apiGroup or resource', () => {
      expect(
        personaFindings(
          persona(
            "  - {apiGroups: ['*'], resources: [policyexceptions], verbs: [create]}\n  - {apiGroups: [kyverno.io], resources: ['*'], verbs: [patch]}\n",
          ),
        ),
      ).toEqual([
        `rbac.yaml: ClusterRole/p: rules[0]: persona-policyexception-write: persona role (krate.a5c.ai/persona: exceptionRequester) grants create on kyverno.io and policies.kyverno.io (apiGroups '*') policyexceptions; ${FIX}: remove the write verbs (or the wildcard) from this rule`,
        `rbac.yaml: ClusterRole/p: rules[1]: persona-policyexception-write: persona role (krate.a5c.ai/persona: exceptionRequester) grants patch on kyverno.io policyexceptions (resources '*'); ${FIX}: remove the write verbs (or the wildcard) from this rule`,
      ]);
    });

    const AGGREGATING = "aggregationRule:\n  clusterRoleSelectors:\n    - matchLabels: {example.com/aggregate-to-requester: 'true'}\n";
    const writer = (
      name: string,
      labels: string,
      rules = '  - {apiGroups: [policies.kyverno.io], resources: [policyexceptions], verbs: [update]}\n',
    ) =>
      `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${name}, labels: {${labels}}}\nrules:\n${rules}`;

    it('fails when a persona role aggregates a ClusterRole that writes PolicyExceptions (directly or through another aggregated role)', () => {
      const direct = persona('  - {apiGroups: [krate.a5c.ai], resources: [policyexceptionrequests], verbs: [create]}\n', AGGREGATING);
      expect(personaFindings(direct + writer('extra-writes', "example.com/aggregate-to-requester: 'true'"))).toEqual([
        `rbac.yaml: ClusterRole/p: aggregationRule.clusterRoleSelectors[0]: persona-policyexception-write: persona role (krate.a5c.ai/persona: exceptionRequester) aggregates ClusterRole/extra-writes, whose rules[0] grants update on policies.kyverno.io policyexceptions; ${FIX}: remove the write verbs from ClusterRole/extra-writes or the labels that aggregate it`,
      ]);
      const nested =
        direct +
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: middle, labels: {example.com/aggregate-to-requester: 'true'}}\naggregationRule:\n  clusterRoleSelectors:\n    - matchExpressions: [{key: example.com/tier, operator: In, values: [inner]}]\nrules: []\n" +
        writer(
          'inner-writes',
          'example.com/tier: inner',
          '  - {apiGroups: [kyverno.io], resources: [policyexceptions], verbs: [delete]}\n',
        );
      expect(personaFindings(nested)).toEqual([
        `rbac.yaml: ClusterRole/p: aggregationRule.clusterRoleSelectors[0]: persona-policyexception-write: persona role (krate.a5c.ai/persona: exceptionRequester) aggregates ClusterRole/inner-writes, whose rules[0] grants delete on kyverno.io policyexceptions; ${FIX}: remove the write verbs from ClusterRole/inner-writes or the labels that aggregate it`,
      ]);
    });

    it('passes persona roles that read PolicyExceptions, and aggregation that selects no writer', () => {
      const reader = persona(
        '  - {apiGroups: [kyverno.io, policies.kyverno.io], resources: [policyexceptions], verbs: [get, list, watch]}\n',
        AGGREGATING,
      );
      expect(audit(reader + writer('elsewhere', "example.com/aggregate-to-other: 'true'"))).toEqual([]);
      // The same writer without the persona label is the binding rule's business, not this one's.
      expect(personaFindings(clusterRole('  - {apiGroups: [kyverno.io], resources: [policyexceptions], verbs: [create]}\n'))).toEqual([]);
    });

    it('fails when a ServiceAccount other than the exception controller is bound to a role that aggregates PolicyException write', () => {
      const aggregating = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\n${AGGREGATING}rules: []\n`;
      const bound =
        aggregating +
        writer('extra-writes', "example.com/aggregate-to-requester: 'true'") +
        '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: krate-system}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}\nsubjects:\n  - {kind: ServiceAccount, name: ci, namespace: krate-system}\n';
      expect(audit(bound)).toEqual([
        "rbac.yaml: RoleBinding/krate-system/b: subjects[0]: policyexception-write: ServiceAccount 'ci' gets PolicyException write via ClusterRole/agg; only the exception-controller ServiceAccount (krate-exception-controller) may",
      ]);
    });
  });

  it('fails with a bad-input error when a role is malformed', () => {
    expect(() => audit(clusterRole('  - {apiGroups: [""], resources: pods, verbs: [get]}\n'))).toThrow(ConfigError);
    expect(() => audit(clusterRole('  - {apiGroups: [""], resources: pods, verbs: [get]}\n'))).toThrow(
      'rbac.yaml: ClusterRole/r: rules[0].resources: must be a list of strings',
    );
  });
});

describe('krate-policy audit-rbac', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'krate-policy.mjs'), 'audit-rbac', ...args], { encoding: 'utf8' });
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'audit-rbac-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 on dist/ with the platform engineers and the controllers' namespace named", () => {
    const r = cli('--platform-group', 'krate-platform', '--controller-namespace', 'krate-system', DIST_DIR);
    expect(r.stdout).toMatch(/audit-rbac: \d+ Role\/ClusterRole\(s\) in \d+ file\(s\), 0 finding\(s\)/);
    expect(r.status).toBe(0);
  });

  it('fails when no group is named as platform engineers: then nobody may write Krate policies cluster-wide', () => {
    const r = cli(join(DIST_DIR, 'dev'));
    expect(r.stdout).toContain(
      "ClusterRoleBinding/krate-kyverno-platform-admin: subjects[0]: krate-policy-cluster-write: Group 'krate-platform' gets write on krate.a5c.ai",
    );
    expect(r.status).toBe(1);
  });

  it('fails with exit 1 naming the rule and the object on a finding', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, clusterRole("  - {apiGroups: [''], resources: [secrets], verbs: [list]}\n"));
    const r = cli(file);
    expect(r.stdout).toContain(
      "bad.yaml: ClusterRole/r: rules[0].resources: no-secrets: grants access to Secrets; remove 'secrets' from this rule",
    );
    expect(r.status).toBe(1);
  });

  it('fails with exit 1 when a persona role can write PolicyExceptions', () => {
    const file = join(dir, 'persona.yaml');
    writeFileSync(
      file,
      clusterRole('  - {apiGroups: [kyverno.io], resources: [policyexceptions], verbs: [create]}\n').replace(
        'metadata: {name: r}',
        'metadata: {name: r, labels: {krate.a5c.ai/persona: platformAdmin}}',
      ),
    );
    const r = cli(file);
    expect(r.stdout).toContain(
      'persona.yaml: ClusterRole/r: rules[0]: persona-policyexception-write: persona role (krate.a5c.ai/persona: platformAdmin) grants create on kyverno.io policyexceptions;',
    );
    expect(r.status).toBe(1);
  });

  it('fails with exit 2 on bad input (no paths, a missing file, an unknown flag)', () => {
    expect(cli().status).toBe(2);
    const missing = cli(join(dir, 'nope.yaml'));
    expect(missing.stderr).toContain('nope.yaml: no such file or folder');
    expect(missing.status).toBe(2);
    expect(cli(DIST_DIR, '--exception-ns', 'x').status).toBe(2);
  });
});
