// importPolicy: what an existing Kyverno policy becomes as a template, and every refusal, with
// its message (the command around it is tested in a copy of the repository, test/cli/import.test.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importedTemplateSource, ImportRefusal, importPolicy, templateOf, type ImportResult } from '../../cli/policy-import';
import { ConfigError } from '../../lib/errors';
import { REPO_ROOT } from '../../lib/paths';
import { renderPolicy } from '../../policies/render';
import { prettierUnformatted } from '../support/prettier';

const FIXTURES = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'import');
const UPSTREAM = join(REPO_ROOT, '..', 'shared', 'upstream', 'kyverno-policies');
const hasUpstream = existsSync(UPSTREAM);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'krate-import-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Imports a policy written from YAML text. */
const importText = (yaml: string, opts: { name?: string; pack?: string } = {}): ImportResult => {
  const file = join(dir, `policy-${n++}.yaml`);
  writeFileSync(file, yaml);
  return importPolicy({ file, ...opts });
};
const refusal = (yaml: string, opts: { name?: string; pack?: string } = {}): string[] => {
  try {
    importText(yaml, opts);
  } catch (e) {
    if (e instanceof ImportRefusal) return [...e.problems];
    throw e;
  }
  throw new Error('expected a refusal');
};
const badInput = (yaml: string, opts: { name?: string; pack?: string } = {}): string[] => {
  try {
    importText(yaml, opts);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected bad input');
};

const vpol = (spec: string, metadata = 'name: p') =>
  `apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {${metadata}}\nspec:\n${spec}`;
const CONFIGMAPS = `  matchConstraints:\n    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [configmaps]}]\n`;
const OK = `  validations: [{expression: 'true', message: ok}]\n`;
const legacy = (rules: string, spec = '') =>
  `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: legacy}\nspec:\n${spec}  rules:\n${rules}`;
const celRule = (name: string, extra = '', kinds = '[Pod]') =>
  `    - name: ${name}\n      match: {any: [{resources: {kinds: ${kinds}}}]}\n${extra}      validate:\n        cel:\n          expressions: [{expression: 'true', message: ok}]\n`;

describe('importPolicy: a ValidatingPolicy', () => {
  it('keeps its CEL and match settings as they are, and its metadata from the annotations', () => {
    const r = importPolicy({ file: join(FIXTURES, 'team-policy', 'require-team-annotation.yaml') });
    const t = r.template;
    expect(t).toMatchObject({
      name: 'require-team-annotation',
      pack: 'best-practices',
      title: 'Require a team annotation on Services',
      category: 'Best Practices',
      severity: 'low',
      subject: 'Service',
      surface: 'workload',
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'] }],
      excludeResourceRules: [
        { apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'], resourceNames: ['kubernetes'] },
      ],
      namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] },
    });
    expect(t.description).toBe(
      'Every Service in a tenant namespace names the team that owns it in its example.com/team annotation, so on-call knows whom to page.',
    );
    expect(t.body).toEqual({
      matchConditions: [{ name: 'not-headless', expression: "object.spec.?clusterIP.orValue('') != 'None'" }],
      variables: [{ name: 'team', expression: "object.metadata.?annotations[?'example.com/team'].orValue('')" }],
      validations: [
        {
          expression: "variables.team != ''",
          message: 'Services must name their team in the example.com/team annotation.',
          messageExpression: "'Service ' + object.metadata.name + ' must name its team in the example.com/team annotation.'",
          reason: 'Invalid',
        },
      ],
      auditAnnotations: [{ key: 'team', valueExpression: 'string(variables.team)' }],
    });
    expect(t.podControllers).toBeUndefined();
    expect(r.notes).toContain(
      'validationActions ["Deny"] and failurePolicy Fail: replaced by the ladder (Audit with failurePolicy Ignore from audit:dev, Deny with failurePolicy Fail from its enforce rung)',
    );
    // Rendered as v1 with the repository's naming; the CEL is the policy's own.
    const rendered = renderPolicy(templateOf(t), { org: 'a5c', mode: 'Audit' });
    expect([rendered.apiVersion, rendered.metadata.name]).toEqual(['policies.kyverno.io/v1', 'krate-a5c-cluster-require-team-annotation']);
  });

  it('defaults what is not annotated: title from the name, the pack (and its category) from the kinds, severity medium', () => {
    const r = importText(vpol(CONFIGMAPS + OK, 'name: keep-configmaps-small'));
    expect(r.template).toMatchObject({
      title: 'Keep configmaps small',
      pack: 'best-practices',
      category: 'Best Practices',
      severity: 'medium',
      subject: 'ConfigMap',
      description: 'Imported from the ValidatingPolicy keep-configmaps-small. It requires: ok',
    });
    const krate = importText(
      vpol(
        `  matchConstraints:\n    resourceRules: [{apiGroups: [krate.a5c.ai], apiVersions: [v1alpha1], operations: [CREATE], resources: [pullrequests]}]\n  validations: [{expression: 'has(object.spec.title)', message: t}]\n`,
      ),
    );
    expect(krate.template).toMatchObject({
      pack: 'krate',
      category: 'Krate',
      subject: 'PullRequest',
      surface: 'pr',
      fields: ['PullRequest.spec.title: read by the imported CEL'],
    });
    expect(importText(vpol(CONFIGMAPS + OK), { pack: 'krate' }).template.pack).toBe('krate');
  });

  it('keeps autogen as Kyverno applies it: every pod controller by default, the listed ones, none for an empty list', () => {
    const pods = `  matchConstraints:\n    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}]\n`;
    expect(importText(vpol(pods + OK)).template.podControllers).toBe(true);
    expect(
      importText(vpol(`${pods}  autogen: {podControllers: {controllers: [deployments, jobs]}}\n${OK}`)).template.podControllers,
    ).toEqual(['deployments', 'jobs']);
    expect(importText(vpol(`${pods}  autogen: {podControllers: {controllers: []}}\n${OK}`)).template.podControllers).toEqual([]);
    const named = importText(vpol(`${pods}  autogen: {podControllers: {controllers: [deployments, Deployment]}}\n${OK}`));
    expect(named.template.podControllers).toEqual(['deployments']);
    expect(named.notes).toContain(
      'spec.autogen.podControllers.controllers: Deployment dropped: Kyverno auto-generates only for deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs and ignores other names',
    );
  });

  it('gives a validation without a message the one Kubernetes reports, and keeps evaluation and timeout settings', () => {
    const r = importText(
      vpol(
        `${CONFIGMAPS}  evaluation: {background: {enabled: false}}\n  webhookConfiguration: {timeoutSeconds: 5}\n  validations: [{expression: 'size(object.data) < 10'}]\n`,
      ),
    );
    expect(r.template.body.validations).toEqual([
      { expression: 'size(object.data) < 10', message: 'failed expression: size(object.data) < 10' },
    ]);
    expect(r.template).toMatchObject({ evaluation: { background: false }, timeoutSeconds: 5 });
  });

  it('selects a policy of several by --name, and names the only one with --name', () => {
    const two = `${vpol(CONFIGMAPS + OK, 'name: first')}---\n${vpol(CONFIGMAPS + OK, 'name: second')}`;
    expect(importText(two, { name: 'second' }).origin.name).toBe('second');
    const renamed = importText(vpol(CONFIGMAPS + OK, 'name: upstream-name'), { name: 'our-name' });
    expect([renamed.template.name, renamed.origin.name]).toEqual(['our-name', 'upstream-name']);
  });
});

describe('importPolicy: a legacy ClusterPolicy of validate.cel rules', () => {
  it('converts match/exclude to matchConstraints, celPreconditions to matchConditions, and merges the rules', () => {
    const r = importPolicy({ file: join(FIXTURES, 'legacy', 'require-owner-label.yaml') });
    expect(r.template).toMatchObject({
      resourceRules: [
        { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'statefulsets'], operations: ['CREATE', 'UPDATE'] },
      ],
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['sandbox'] }] },
      subject: 'Deployment, StatefulSet',
    });
    expect(r.template.body).toEqual({
      matchConditions: [{ name: 'not-being-deleted', expression: '!has(object.metadata.deletionTimestamp)' }],
      variables: [{ name: 'owner', expression: "object.metadata.?labels[?'owner'].orValue('')" }],
      validations: [
        { expression: "variables.owner != ''", message: 'Workloads need an owner label.' },
        {
          expression: "variables.owner == '' || variables.owner.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
          message: 'The owner label must be a DNS label.',
        },
      ],
    });
    expect(r.notes[0]).toMatch(/^validationFailureAction "Enforce": replaced by the ladder/);
  });

  it('maps kinds, names, namespaces, selectors and the autogen annotation', () => {
    const r = importText(
      legacy(
        `    - name: r\n      match:\n        any:\n          - resources:\n              kinds: [Pod, batch/v1/Job, v1/Service, PullRequest]\n              names: [web]\n              namespaces: [shop, blog]\n              selector: {matchLabels: {app: web}}\n              operations: [CREATE]\n      validate:\n        cel:\n          expressions: [{expression: 'true', message: ok}]\n`,
      ).replace(
        'metadata: {name: legacy}',
        "metadata: {name: legacy, annotations: {pod-policies.kyverno.io/autogen-controllers: 'Deployment,Job'}}",
      ),
    );
    expect(r.template.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'services'], operations: ['CREATE'], resourceNames: ['web'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'], operations: ['CREATE'], resourceNames: ['web'] },
      {
        apiGroups: ['krate.a5c.ai'],
        apiVersions: ['v1alpha1'],
        resources: ['pullrequests'],
        operations: ['CREATE'],
        resourceNames: ['web'],
      },
    ]);
    expect(r.template.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'blog'] }],
    });
    expect(r.template.objectSelector).toEqual({ matchLabels: { app: 'web' } });
    // Several rules (and names): Kyverno cannot auto-generate, so the annotation's list is dropped, saying so.
    expect(r.template.podControllers).toBeUndefined();
    const none = importText(
      legacy(celRule('p')).replace(
        'metadata: {name: legacy}',
        'metadata: {name: legacy, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}',
      ),
    );
    expect(none.template.podControllers).toEqual([]);
    expect(importText(legacy(celRule('p'))).template.podControllers).toBe(true);
  });

  it('excludes kinds with excludeResourceRules for every operation', () => {
    const r = importText(
      legacy(
        celRule('r', `      exclude: {any: [{resources: {kinds: [Deployment], names: [legacy-app]}}]}\n`, '[Deployment, StatefulSet]'),
      ),
    );
    expect(r.template.excludeResourceRules).toEqual([
      { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['*'], resourceNames: ['legacy-app'] },
    ]);
  });
});

describe('importPolicy refusals (exit 1, nothing written)', () => {
  it('fails when a rule validates with a pattern, naming the rule, why and what to do', () => {
    expect(
      refusal(
        legacy(
          `${celRule('cel-part')}    - name: requests\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      validate:\n        pattern: {spec: {containers: [{resources: {requests: {cpu: '?*'}}}]}}\n`,
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /: ClusterPolicy legacy: spec\.rules\[1\] \(requests\)\.validate\.pattern: a validate\.pattern is an overlay pattern, not CEL; rewrite the rule in CEL \(a ValidatingPolicy, or a ClusterPolicy rule with validate\.cel\) and import that, or keep the policy as it is, outside the ladder: apply it with Kyverno and test it with the Kyverno CLI \(`kyverno test`\)/,
      ),
    ]);
  });

  it('fails when a rule uses JMESPath: preconditions, deny conditions, context entries, foreach', () => {
    const problems = refusal(
      legacy(
        `    - name: jp\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      preconditions: {all: [{key: '{{ request.operation }}', operator: Equals, value: CREATE}]}\n      context: [{name: cm, configMap: {name: x, namespace: y}}]\n      validate:\n        deny: {conditions: {any: [{key: a, operator: Equals, value: a}]}}\n        foreach: [{list: 'request.object.spec.containers'}]\n`,
      ),
    );
    expect(problems.map((p) => p.replace(/^.*?spec\.rules\[0\] \(jp\)\./, '').split(';')[0])).toEqual([
      'preconditions: preconditions are JMESPath conditions',
      'context: context entries (apiCall, configMap, variables) are JMESPath',
      'validate.deny: validate.deny conditions are JMESPath, not CEL',
      'validate.foreach: validate.foreach iterates with JMESPath, not CEL',
    ]);
  });

  it.each([
    [
      'mutate',
      '      mutate: {patchStrategicMerge: {metadata: {labels: {team: x}}}}\n',
      'a mutate rule changes objects; templates only validate',
    ],
    [
      'generate',
      '      generate: {kind: ConfigMap, name: x, namespace: y, data: {}}\n',
      'a generate rule creates objects; templates only validate',
    ],
    ['verifyImages', "      verifyImages: [{imageReferences: ['*']}]\n", 'a verifyImages rule verifies image signatures'],
  ])('fails when a rule is a %s rule, naming it', (kind, body, why) => {
    const problems = refusal(legacy(`    - name: other\n      match: {any: [{resources: {kinds: [Pod]}}]}\n${body}`));
    expect(problems).toEqual([expect.stringContaining(`spec.rules[0] (other).${kind}: ${why}`)]);
  });

  it('fails when a validate.cel rule takes parameters (paramKind)', () => {
    expect(
      refusal(legacy(celRule('p', '').replace('        cel:\n', '        cel:\n          paramKind: {apiVersion: v1, kind: ConfigMap}\n'))),
    ).toEqual([expect.stringContaining('spec.rules[0] (p).validate.cel.paramKind: parameter resources have no place in a template')]);
  });

  it('fails when the rules match differently, saying how to split the policy', () => {
    expect(refusal(legacy(`${celRule('a')}${celRule('b', '', '[Service]')}`))).toEqual([
      expect.stringContaining(
        'spec.rules[1] (b): matches differently from spec.rules[0] (a) (match, exclude or celPreconditions): a ValidatingPolicy has one set of matchConstraints; split the ClusterPolicy into one per match and import each',
      ),
    ]);
  });

  it.each([
    [
      'who makes the request',
      '      match: {any: [{resources: {kinds: [Pod]}, subjects: [{kind: User, name: x}]}]}\n',
      'subjects: matching on who makes the request has no matchConstraints equivalent',
    ],
    [
      'annotations',
      '      match: {any: [{resources: {kinds: [Pod], annotations: {a: b}}}]}\n',
      'annotations: matching on annotations has no matchConstraints equivalent',
    ],
    [
      'a wildcard kind',
      "      match: {any: [{resources: {kinds: ['*']}}]}\n",
      "kinds[0]: '*': a wildcard kind has no exact admission rule",
    ],
    [
      'an unknown kind without its group',
      '      match: {any: [{resources: {kinds: [Widget]}}]}\n',
      "kinds[0]: 'Widget' is not a built-in Kubernetes, Kyverno or Krate kind; write it as group/version/Kind",
    ],
    [
      'wildcard names',
      "      match: {any: [{resources: {kinds: [Pod], names: ['web-*']}}]}\n",
      'names: web-*: wildcards have no matchConstraints equivalent',
    ],
    [
      'an exclusion of kinds in some namespaces',
      '      match: {any: [{resources: {kinds: [Pod]}}]}\n      exclude: {any: [{resources: {kinds: [Pod], namespaces: [x]}}]}\n',
      'excludes kinds in some namespaces only',
    ],
  ])('fails when a rule matches on %s', (_what, match, message) => {
    const rule = `    - name: m\n${match}      validate:\n        cel:\n          expressions: [{expression: 'true', message: ok}]\n`;
    expect(refusal(legacy(rule)).join('\n')).toContain(message);
  });

  it('fails when the policy would generate a ValidatingAdmissionPolicy, which exceptions and reports do not reach', () => {
    expect(refusal(vpol(`${CONFIGMAPS}  autogen: {validatingAdmissionPolicy: {enabled: true}}\n${OK}`))).toEqual([
      expect.stringContaining(
        "spec.autogen.validatingAdmissionPolicy.enabled: true: a generated ValidatingAdmissionPolicy runs in the API server, outside Kyverno, where this repository's PolicyExceptions and Audit reports do not reach it",
      ),
    ]);
  });

  it('fails when the policy validates JSON payloads, not Kubernetes objects', () => {
    expect(refusal(vpol(`${CONFIGMAPS}  evaluation: {mode: JSON}\n${OK}`)).join('\n')).toContain(
      "spec.evaluation.mode: 'JSON': the policy validates JSON payloads, not Kubernetes objects",
    );
  });

  it('fails when the policy matches nothing or validates nothing', () => {
    expect(refusal(vpol(OK))).toEqual([
      expect.stringContaining('spec.matchConstraints.resourceRules: missing: the policy matches nothing'),
    ]);
    expect(refusal(vpol(CONFIGMAPS))).toEqual([expect.stringContaining('spec.validations: none: a template validates something')]);
  });

  it('fails when a field is not a ValidatingPolicy field (as the CRD would)', () => {
    expect(refusal(vpol(`${CONFIGMAPS}${OK}  validationAction: [Deny]\n`))).toEqual([
      expect.stringContaining('spec.validationAction: not a ValidatingPolicy field'),
    ]);
  });

  it.each([
    [
      'a NamespacedValidatingPolicy',
      'policies.kyverno.io/v1',
      'NamespacedValidatingPolicy',
      'a namespaced policy applies in its own namespace only',
    ],
    ['a namespaced legacy Policy', 'kyverno.io/v1', 'Policy', 'make it a ClusterPolicy that matches that namespace'],
    [
      'an ImageValidatingPolicy',
      'policies.kyverno.io/v1',
      'ImageValidatingPolicy',
      'image verification needs attestors this repository types as template parameters',
    ],
    ['a MutatingPolicy', 'policies.kyverno.io/v1', 'MutatingPolicy', 'templates validate: a MutatingPolicy is not imported'],
  ])('fails when the policy is %s', (_what, apiVersion, kind, message) => {
    expect(refusal(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: p, namespace: n}\nspec: {}\n`)).toEqual([
      expect.stringContaining(message),
    ]);
  });

  it('fails when the severity annotation is not low, medium or high', () => {
    expect(refusal(vpol(CONFIGMAPS + OK, 'name: p, annotations: {policies.kyverno.io/severity: critical}'))).toEqual([
      expect.stringContaining(
        "metadata.annotations[policies.kyverno.io/severity]: 'critical' is not one of low|medium|high; change the annotation, then import",
      ),
    ]);
  });
});

describe('importPolicy bad input (exit 2)', () => {
  it('fails when the file holds no policy, naming what it found', () => {
    expect(badInput('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n')).toEqual([
      expect.stringMatching(
        /: not a policy \(found v1 ConfigMap\); import takes a policies\.kyverno\.io ValidatingPolicy, or a kyverno\.io ClusterPolicy whose rules are validate\.cel$/,
      ),
    ]);
    expect(badInput('# nothing\n')).toEqual([expect.stringContaining(': not a policy (found nothing)')]);
  });

  it('fails when the file holds several policies and --name selects none, listing them', () => {
    const two = `${vpol(CONFIGMAPS + OK, 'name: first')}---\n${vpol(CONFIGMAPS + OK, 'name: second')}`;
    expect(badInput(two)).toEqual([
      expect.stringContaining(
        ': holds 2 policies (first, second); a template is one policy: import them one at a time with --name <policy>',
      ),
    ]);
    expect(badInput(two, { name: 'secnd' })).toEqual([expect.stringContaining('--name: ')]);
    expect(badInput(two, { name: 'secnd' })[0]).toContain(
      "holds no policy named 'secnd' (did you mean 'second'?) (its policies: first, second)",
    );
  });

  it('fails when the pack is unknown, with the closest one', () => {
    expect(badInput(vpol(CONFIGMAPS + OK), { pack: 'best-practice' })).toEqual([
      "--pack: 'best-practice' is not a policy pack (did you mean 'best-practices'?) (packs: krate, pod-security-baseline, pod-security-restricted, best-practices)",
    ]);
  });

  it('fails when the name is not a template name (a DNS label)', () => {
    expect(badInput(vpol(CONFIGMAPS + OK, 'name: team.policies.example.com'))).toEqual([
      expect.stringContaining(": metadata.name: 'team.policies.example.com' is not a template name: a DNS label"),
    ]);
  });

  it('fails when the file is missing or not YAML', () => {
    expect(() => importPolicy({ file: join(dir, 'nope.yaml') })).toThrow(`${join(dir, 'nope.yaml')}: no such file`);
    expect(badInput('a: [\n')[0]).toMatch(/: document 0: YAML error: /);
  });
});

(hasUpstream ? describe : describe.skip)(
  `importPolicy over Kyverno's published policies${hasUpstream ? '' : ` (skipped: ${UPSTREAM} is absent)`}`,
  () => {
    it('converts every one into a template whose template.ts is formatted as prettier prints it', () => {
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const e of readdirSync(d, { withFileTypes: true }))
          if (e.isDirectory() && !e.name.startsWith('.')) walk(join(d, e.name));
          else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') files.push(join(d, e.name));
      };
      walk(UPSTREAM);
      const out = join(dir, 'upstream');
      mkdirSync(out);
      for (const f of files) {
        const r = importPolicy({ file: f });
        writeFileSync(join(out, `${r.template.name}.ts`), importedTemplateSource(r, '2026-12-01'));
      }
      expect(files.length).toBeGreaterThan(20);
      expect(prettierUnformatted(out, ['.'])).toEqual([]);
    });
  },
);

describe('importPolicy on malformed policies', () => {
  it('fails when a field the CRD types is of another type, naming it', () => {
    expect(
      refusal(
        vpol(`${CONFIGMAPS}  evaluation: on\n  autogen: [x]\n  validations: [{expression: 'true', message: 5, reason: [Invalid]}]\n`),
      ),
    ).toEqual([
      expect.stringContaining("spec.evaluation: 'on' is not a mapping"),
      expect.stringContaining('spec.autogen: ["x"] is not a mapping'),
      expect.stringContaining('spec.validations[0].message: 5 is not a string'),
      expect.stringContaining('spec.validations[0].reason: ["Invalid"] is not a string'),
    ]);
    expect(refusal(legacy(`    - name: r\n      match: []\n      validate: {cel: {expressions: x}}\n`))).toEqual([
      expect.stringContaining('spec.rules[0] (r).match: [] is not a match block (any, all)'),
      expect.stringContaining('spec.rules[0] (r).validate.cel.expressions: not a list of {expression, message}'),
    ]);
  });
});
