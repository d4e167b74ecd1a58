import { celProblems, checkRenderedCel, type CelCheckTarget } from '../../synth/cel-check';
import { ConfigError } from '../../lib/errors';
import { renderManifests } from '../../synth/synth';
import { resolveFixture } from '../support/fixtures';
import type { Manifest } from '../../lib/manifests';

type Spec = Record<string, unknown>;
const KYVERNO = 'policies.kyverno.io/v1';

const policy = (spec: Spec, kind = 'ValidatingPolicy'): Manifest => ({
  apiVersion: KYVERNO,
  kind,
  metadata: {
    name: 'p',
    labels: { 'krate.a5c.ai/policy-template': 'fixture' },
    annotations: { 'krate.a5c.ai/policy-template': 'fixture@1.0.0' },
  },
  spec,
});
const exception = (matchConditions: Spec[], policyRefs: Spec[] = [{ kind: 'ValidatingPolicy', name: 'p' }]): Manifest => ({
  apiVersion: KYVERNO,
  kind: 'PolicyException',
  metadata: { name: 'x', namespace: 'krate-system', labels: { 'app.kubernetes.io/managed-by': 'krate-policy-gitops' } },
  spec: { policyRefs, matchConditions },
});
const vap = (spec: Spec): Manifest => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'v', labels: { 'helm.sh/chart': 'krate-kyverno-0.1.0' } },
  spec,
});
const at = (manifest: Manifest, app = 'policies'): CelCheckTarget => ({ env: 'dev', app, manifest });
const problems = (...manifests: Manifest[]) =>
  celProblems(manifests.map((m) => at(m, m.kind === 'PolicyException' ? 'policy-exceptions' : 'policies')));
const P = 'dev/policies/ValidatingPolicy/p';

describe('checkRenderedCel: ValidatingPolicy', () => {
  it('accepts bool validations and matchConditions, string messages, string or null audit annotations and typed variables', () => {
    expect(
      problems(
        policy({
          matchConditions: [{ name: 'm', expression: "object.kind == 'Pod' && request.operation != 'DELETE'" }],
          variables: [
            { name: 'labels', expression: 'object.metadata.?labels.orValue({})' },
            { name: 'hasTeam', expression: "'team' in variables.labels" },
          ],
          validations: [
            { expression: 'variables.hasTeam', messageExpression: "'missing team on ' + object.metadata.name" },
            { expression: "namespaceObject.metadata.labels['tier'] != 'prod' || exceptions.allowedValues.size() > 0" },
          ],
          auditAnnotations: [
            { key: 'a', valueExpression: "'team: ' + string(variables.labels['team'])" },
            { key: 'b', valueExpression: 'null' },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it("accepts Kyverno's resource library (resource.Get / resource.List, PascalCase and camelCase) in a ValidatingPolicy", () => {
    expect(
      problems(
        policy({
          variables: [
            { name: 'repo', expression: "dyn(resource.Get('krate.a5c.ai/v1alpha1', 'repositories', object.metadata.namespace, 'r'))" },
            { name: 'ingresses', expression: "resource.list('networking.k8s.io/v1', 'ingresses', '').items" },
          ],
          validations: [
            { expression: "variables.repo != null && variables.repo.metadata.name == 'r'" },
            { expression: 'variables.ingresses.all(i, i.metadata.namespace == object.metadata.namespace)' },
            { expression: "size(resource.List('v1', 'configmaps', 'x', {'app': 'a'}).items) > 0" },
            { expression: "resource.Get(resource.ToGVR('v1', 'ConfigMap'), 'x', 'y').metadata.name == 'y'" },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('fails when a resource.Get result is compared with null without dyn(): Get returns map(string, any), which does not compare with null', () => {
    expect(problems(policy({ validations: [{ expression: "resource.Get('v1', 'configmaps', 'x', 'y') != null" }] }))).toEqual([
      `${P}: spec.validations[0].expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: no such overload: map<string, dyn> != null (template fixture@1.0.0)`,
    ]);
  });

  it('fails when a validation does not return a bool, naming the object, field, type and template', () => {
    expect(problems(policy({ validations: [{ expression: 'object.spec.replicas + 1' }] }))).toEqual([
      `${P}: spec.validations[0].expression: returns int, must return bool (template fixture@1.0.0)`,
    ]);
  });

  it('fails when a validation returns dyn (Kyverno wants exactly bool, as cel-go IsExactType)', () => {
    expect(problems(policy({ validations: [{ expression: 'object.spec.hostNetwork' }] }))).toEqual([
      `${P}: spec.validations[0].expression: returns dyn, must return bool (template fixture@1.0.0)`,
    ]);
  });

  it('fails when x.orValue(y) is the whole expression: Kyverno v1.19 types it dyn in a ValidatingPolicy', () => {
    expect(
      problems(policy({ validations: [{ expression: 'true', messageExpression: "request.userInfo.?username.orValue('nobody')" }] })),
    ).toEqual([`${P}: spec.validations[0].messageExpression: returns dyn, must return string (template fixture@1.0.0)`]);
  });

  it('fails when a messageExpression does not return a string', () => {
    expect(problems(policy({ validations: [{ expression: 'true', messageExpression: 'size(object.metadata.name)' }] }))).toEqual([
      `${P}: spec.validations[0].messageExpression: returns int, must return string (template fixture@1.0.0)`,
    ]);
  });

  it('fails when a matchCondition does not return a bool', () => {
    expect(problems(policy({ matchConditions: [{ name: 'm', expression: "'yes'" }] }))).toEqual([
      `${P}: spec.matchConditions[0].expression: returns string, must return bool (template fixture@1.0.0)`,
    ]);
  });

  it('fails when an audit annotation returns neither a string nor null', () => {
    expect(problems(policy({ auditAnnotations: [{ key: 'a', valueExpression: 'object.metadata.generation > 1' }] }))).toEqual([
      `${P}: spec.auditAnnotations[0].valueExpression: returns bool, must return string or null (template fixture@1.0.0)`,
    ]);
  });

  it('fails when a variable does not compile', () => {
    expect(problems(policy({ variables: [{ name: 'v', expression: 'object.x +' }] }))[0]).toMatch(
      new RegExp(`^${P}: spec\\.variables\\[0\\]\\.expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: `),
    );
  });

  it("keeps each variable's type: a string variable used as a validation fails", () => {
    expect(
      problems(
        policy({
          variables: [{ name: 'team', expression: "object.metadata.?labels[?'team'].orValue('') + ''" }],
          validations: [{ expression: 'variables.team' }],
        }),
      ),
    ).toEqual([`${P}: spec.validations[0].expression: returns string, must return bool (template fixture@1.0.0)`]);
  });

  it('fails when a variable reads a later variable, or a matchCondition reads any (Kyverno compiles them in that order)', () => {
    const got = problems(
      policy({
        matchConditions: [{ name: 'm', expression: 'variables.a' }],
        variables: [
          { name: 'a', expression: 'variables.b' },
          { name: 'b', expression: 'true' },
        ],
      }),
    );
    expect(got).toEqual([
      `${P}: spec.matchConditions[0].expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: No such key: a (template fixture@1.0.0)`,
      `${P}: spec.variables[0].expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: No such key: b (template fixture@1.0.0)`,
    ]);
  });

  it('fails when an expression reads params or authorizer, which a Kyverno policy does not declare', () => {
    expect(
      problems(
        policy({
          validations: [{ expression: 'params.max > 1' }, { expression: "authorizer.group('').resource('pods').check('get').allowed()" }],
        }),
      ),
    ).toEqual([
      `${P}: spec.validations[0].expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: Unknown variable: params (template fixture@1.0.0)`,
      `${P}: spec.validations[1].expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: Unknown variable: authorizer (template fixture@1.0.0)`,
    ]);
  });

  it('fails when an expression reads a field the admission request does not have (request is typed)', () => {
    expect(problems(policy({ validations: [{ expression: "request.user == 'x'" }] }))).toEqual([
      `${P}: spec.validations[0].expression: does not compile in the CEL environment of Kyverno's ValidatingPolicy: No such key: user (template fixture@1.0.0)`,
    ]);
  });
});

describe('checkRenderedCel: ImageValidatingPolicy', () => {
  const IP = 'dev/policies/ImageValidatingPolicy/p';
  const image = (spec: Spec) => policy(spec, 'ImageValidatingPolicy');

  it('accepts images as lists, image verification functions and attestors', () => {
    expect(
      problems(
        image({
          matchConditions: [{ name: 'm', expression: "object.metadata.?labels[?'a'].orValue('') == 'b'" }],
          matchImageReferences: [{ glob: '*' }, { expression: "ref.startsWith('ghcr.io/')" }],
          images: [{ name: 'deployment', expression: 'object.spec.?image.hasValue() ? [object.spec.image] : []' }],
          attestors: [{ name: 'signer', cosign: { key: { expression: "'-----BEGIN PUBLIC KEY-----'" } } }],
          validations: [{ expression: 'images.deployment.map(i, verifyImageSignatures(i, [attestors.signer])).all(n, n > 0)' }],
        }),
      ),
    ).toEqual([]);
  });

  it('fails when an image extractor does not return a list of images', () => {
    expect(problems(image({ images: [{ name: 'd', expression: "object.spec.image + ''" }] }))).toEqual([
      `${IP}: spec.images[0].expression: returns string, must return list<string>, list<dyn>, list or dyn (template fixture@1.0.0)`,
    ]);
  });

  it('fails when a matchImageReferences expression does not return a bool or reads the object', () => {
    expect(problems(image({ matchImageReferences: [{ expression: 'ref' }, { expression: "object.kind == 'Pod'" }] }))).toEqual([
      `${IP}: spec.matchImageReferences[0].expression: returns string, must return bool (template fixture@1.0.0)`,
      `${IP}: spec.matchImageReferences[1].expression: does not compile in the CEL environment of Kyverno's ImageValidatingPolicy: Unknown variable: object (template fixture@1.0.0)`,
    ]);
  });

  it('fails when a validation returns the signature count instead of a bool', () => {
    expect(
      problems(
        image({
          images: [{ name: 'd', expression: '[object.spec.image]' }],
          attestors: [{ name: 's', cosign: {} }],
          validations: [{ expression: 'verifyImageSignatures(images.d[0], [attestors.s])' }],
        }),
      ),
    ).toEqual([`${IP}: spec.validations[0].expression: returns int, must return bool (template fixture@1.0.0)`]);
  });

  it('fails when an attestor expression does not compile', () => {
    expect(problems(image({ attestors: [{ name: 's', cosign: { key: { expression: 'nosuch.key' } } }] }))).toEqual([
      `${IP}: spec.attestors[0].cosign.key.expression: does not compile in the CEL environment of Kyverno's ImageValidatingPolicy: Unknown variable: nosuch (template fixture@1.0.0)`,
    ]);
  });
});

describe('checkRenderedCel: PolicyException', () => {
  const X = 'dev/policy-exceptions/PolicyException/krate-system/x';
  const generated = [
    { name: 'krate-namespaces', expression: "object.metadata.?namespace.orValue('') in ['sandbox']" },
    { name: 'krate-names', expression: "object.?metadata.?name.orValue('') in ['web']" },
  ];

  it('fails when a condition does not return a bool, naming the exception request it comes from', () => {
    expect(problems(policy({}), exception([...generated, { name: 'mine', expression: 'object.metadata.name' }]))).toEqual([
      `${X}: spec.matchConditions[2].expression: returns dyn, must return bool (environments/exceptions.ts: exceptions.x.conditions[0])`,
    ]);
    expect(problems(policy({}), exception([{ name: 'krate-names', expression: "request.name + ''" }]))).toEqual([
      `${X}: spec.matchConditions[0].expression: returns string, must return bool (environments/exceptions.ts: exceptions.x.names)`,
    ]);
  });

  it("accepts conditions that read the policy's variables: Kyverno compiles them in the policy's environment", () => {
    const p = policy({ variables: [{ name: 'team', expression: "object.metadata.?labels[?'team'].orValue('') == 'a'" }] });
    expect(problems(p, exception([{ name: 'team', expression: 'variables.team' }]))).toEqual([]);
    expect(
      problems(exception([{ name: 'team', expression: 'variables.team' }], [{ kind: 'ValidatingPolicy', name: 'elsewhere' }])),
    ).toEqual([
      `${X}: spec.matchConditions[0].expression: does not compile in the CEL environment of Kyverno's PolicyException: Unknown variable: variables (environments/exceptions.ts: exceptions.x.conditions[0])`,
    ]);
  });
});

describe('checkRenderedCel: ValidatingAdmissionPolicy (Kubernetes)', () => {
  const V = 'dev/krate-kyverno/ValidatingAdmissionPolicy/v';
  const vapProblems = (spec: Spec) => celProblems([at(vap(spec), 'krate-kyverno')]);

  it('accepts authorizer checks, typed variables, and params when the policy has a paramKind', () => {
    expect(
      vapProblems({
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        variables: [{ name: 'enforce', expression: "object.spec.?mode.orValue('audit') == 'enforce'" }],
        matchConditions: [{ name: 'm', expression: '!variables.enforce || params.data.x == "y"' }],
        validations: [
          { expression: "!variables.enforce || authorizer.group('krate.a5c.ai').resource('policybindings').check('escalate').allowed()" },
        ],
      }),
    ).toEqual([]);
  });

  it('fails when a validation does not return a bool, or params is read without a paramKind', () => {
    expect(vapProblems({ validations: [{ expression: "request.userInfo.username + ''" }, { expression: 'params.x == 1' }] })).toEqual([
      `${V}: spec.validations[0].expression: returns string, must return bool (chart krate-kyverno-0.1.0)`,
      `${V}: spec.validations[1].expression: does not compile in the CEL environment of Kubernetes' ValidatingAdmissionPolicy: Unknown variable: params (chart krate-kyverno-0.1.0)`,
    ]);
  });
});

describe("checkRenderedCel: a CustomResourceDefinition's validation rules (Kubernetes)", () => {
  const C = 'dev/krate-kyverno/CustomResourceDefinition/widgets.example.com';
  const crd = (spec: Spec): Manifest => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', labels: { 'helm.sh/chart': 'krate-kyverno-0.1.0' } },
    spec: {
      group: 'example.com',
      versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
  });
  const crdProblems = (spec: Spec) => celProblems([at(crd(spec), 'krate-kyverno')]);

  it('accepts bool rules on self and oldSelf at any depth, and string messageExpressions', () => {
    expect(
      crdProblems({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'has(self.a) == has(oldSelf.a)', messageExpression: "'a is ' + string(self.a)" }],
        properties: { list: { type: 'array', items: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.size() < 3' }] } } },
      }),
    ).toEqual([]);
  });

  // self.enabled and self.why are dyn here and accepted: the API server types them from the schema.
  it('fails when a rule does not return a bool, does not compile, or a messageExpression is no string', () => {
    expect(
      crdProblems({
        type: 'object',
        'x-kubernetes-validations': [
          { rule: 'size(self.a)', messageExpression: '1' },
          { rule: 'self.enabled', messageExpression: 'self.why' },
        ],
        properties: { b: { type: 'object', 'x-kubernetes-validations': [{ rule: 'object.b == 1' }] } },
      }),
    ).toEqual([
      `${C}: spec.versions[0].schema.openAPIV3Schema.properties.spec.x-kubernetes-validations[0].rule: returns int, must return bool or dyn (chart krate-kyverno-0.1.0)`,
      `${C}: spec.versions[0].schema.openAPIV3Schema.properties.spec.x-kubernetes-validations[0].messageExpression: returns int, must return string or dyn (chart krate-kyverno-0.1.0)`,
      `${C}: spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.b.x-kubernetes-validations[0].rule: does not compile in the CEL environment of Kubernetes' CustomResourceDefinition validation rules: Unknown variable: object (chart krate-kyverno-0.1.0)`,
    ]);
  });

  it("checks the rendered chart's CRD rules (PolicyBinding's one-of, PolicyExceptionRequest's immutable requester)", () => {
    const rendered = renderManifests(resolveFixture()).filter((r) => r.manifest.kind === 'CustomResourceDefinition');
    const rules = rendered.flatMap((r) => JSON.stringify(r.manifest).match(/x-kubernetes-validations/g) ?? []);
    expect(rules.length).toBeGreaterThan(0);
    expect(celProblems(rendered)).toEqual([]);
  });
});

describe('checkRenderedCel', () => {
  it('fails with a ConfigError listing every problem', () => {
    const bad = [at(policy({ validations: [{ expression: "'a'" }, { expression: '1' }] }))];
    expect(() => checkRenderedCel(bad)).toThrow(ConfigError);
    expect(() => checkRenderedCel(bad)).toThrow(
      `${P}: spec.validations[0].expression: returns string, must return bool (template fixture@1.0.0)\n${P}: spec.validations[1].expression: returns int, must return bool (template fixture@1.0.0)`,
    );
  });
});

describe('synth type-checks what it renders', () => {
  it('keeps rendering the fixture configuration: every expression type-checks', () => {
    const rendered = renderManifests(resolveFixture());
    expect(rendered.filter((r) => r.manifest.kind === 'ValidatingPolicy').length).toBeGreaterThan(0);
    expect(celProblems(rendered)).toEqual([]);
  });

  it('fails when a rendered exception condition does not return a bool, naming environment, object, field, type and source', () => {
    const config = resolveFixture();
    // As if the condition had reached synth unvalidated: synth checks what it renders, not only the config.
    const environments = config.environments.map((env) => ({
      ...env,
      plan: {
        ...env.plan,
        exceptions: env.plan.exceptions.map((e) => ({
          ...e,
          request: { ...e.request, conditions: [{ name: 'mine', expression: 'object.metadata.name' }] },
        })),
      },
    }));
    expect(() => renderManifests({ ...config, environments })).toThrow(
      'dev/policy-exceptions/PolicyException/krate-system/sandbox-latest-tag: spec.matchConditions[1].expression: returns dyn, must return bool (environments/exceptions.ts: exceptions.sandbox-latest-tag.conditions[0])',
    );
  });
});
