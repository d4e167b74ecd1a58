import { join } from 'node:path';
import { parseManifests, readManifests } from '../../lib/manifests';
import { DIST_DIR } from '../../lib/paths';
import { countSkips, formatFinding, kubeconformArgs, parseKindSkips, SchemaValidator } from '../../analysis/schema';
import { problemsOf as problems } from '../support/problems';

/** A user's own CRD: example.com Widget, v1 served with a schema, v1beta1 not served. */
const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                colour: {type: string, enum: [red, blue]}
                port: {x-kubernetes-int-or-string: true}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1beta1
      served: false
      storage: false
      schema: {openAPIV3Schema: {type: object}}
`;
const widget = (spec: string, apiVersion = 'example.com/v1') =>
  `apiVersion: ${apiVersion}\nkind: Widget\nmetadata: {name: w, namespace: n}\nspec: ${spec}\n`;
const crdFile = (yaml = WIDGET_CRD) => parseManifests(yaml, 'crds/widget.yaml');

async function validateWith(crds: string | undefined, yaml: string, skip: string[] = []): Promise<string[]> {
  const v = new SchemaValidator();
  if (crds !== undefined) v.addCrdFiles(crdFile(crds), ['crds/']);
  return (await v.validate(parseManifests(yaml, 'in.yaml'), parseKindSkips(skip))).map(formatFinding);
}

describe("validate --crd (a user's own CRDs)", () => {
  it('validates custom resources against the CRD with the structural rules (unknown fields, types, enums, int-or-string, preserved fields)', async () => {
    expect(await validateWith(WIDGET_CRD, widget('{size: 3, colour: red, port: http, extra: {any: thing}}'))).toEqual([]);
    expect(await validateWith(WIDGET_CRD, widget('{size: big, colour: green, shape: round, port: 8080}'))).toEqual([
      "in.yaml: Widget/n/w: spec: unknown field 'shape'",
      'in.yaml: Widget/n/w: spec.size: must be integer',
      'in.yaml: Widget/n/w: spec.colour: must be one of red|blue',
    ]);
    expect(await validateWith(WIDGET_CRD, widget('{colour: red}'))).toEqual(["in.yaml: Widget/n/w: spec: missing required field 'size'"]);
  });

  it('fails when an object uses a version the CRD does not serve, naming the served versions', async () => {
    expect(await validateWith(WIDGET_CRD, widget('{size: 1}', 'example.com/v1beta1'))).toEqual([
      'in.yaml: Widget/n/w: apiVersion: no schema for example.com/v1beta1 Widget: CRD widgets.example.com serves version(s) v1, not v1beta1',
    ]);
  });

  it('fails when a kind has no schema, suggesting --crd and --skip-kind', async () => {
    expect(await validateWith(undefined, widget('{size: 1}'))).toEqual([
      "in.yaml: Widget/n/w: apiVersion: no schema known for example.com/v1 Widget (built in: Kubernetes core, Argo CD, Prometheus Operator, Kyverno and this repository's CRD kinds); give its CRD with --crd <file|dir>, or skip the kind on purpose with --skip-kind example.com/Widget",
    ]);
  });

  it('fails when a --crd path holds no CRD', () => {
    const v = new SchemaValidator();
    expect(
      problems(() => v.addCrdFiles(parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'crds/cm.yaml'), ['crds/'])),
    ).toEqual(['--crd crds/: no CustomResourceDefinition found (1 other object(s)); name the files or folders that hold the CRDs']);
  });

  it('fails when a --crd CRD cannot give its schemas (v1beta1, no schema, no kind, a schema that does not compile)', () => {
    const v = new SchemaValidator();
    expect(
      problems(() => v.addCrdFiles(crdFile(WIDGET_CRD.replace('apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1')), ['crds/'])),
    ).toEqual([
      "crds/widget.yaml: document 0: CustomResourceDefinition/widgets.example.com: apiVersion: 'apiextensions.k8s.io/v1beta1' is not read: only apiextensions.k8s.io/v1 CRDs are (v1beta1 was removed in Kubernetes 1.22)",
    ]);
    const noSchema = WIDGET_CRD.replace(/ {6}schema:\n {8}openAPIV3Schema:[\s\S]*?(?= {4}- name: v1beta1)/, '');
    expect(problems(() => v.addCrdFiles(crdFile(noSchema), ['crds/']))).toEqual([
      'crds/widget.yaml: document 0: CustomResourceDefinition/widgets.example.com: spec.versions[0].schema.openAPIV3Schema: missing: apiextensions.k8s.io/v1 needs a schema for every version',
    ]);
    expect(problems(() => v.addCrdFiles(crdFile(WIDGET_CRD.replace('names: {kind: Widget, ', 'names: {')), ['crds/']))).toEqual([
      'crds/widget.yaml: document 0: CustomResourceDefinition/widgets.example.com: spec.names.kind: missing: the kind it defines',
    ]);
    expect(
      problems(() => v.addCrdFiles(crdFile(WIDGET_CRD.replace('size: {type: integer}', 'size: {type: integr}')), ['crds/']))[0],
    ).toMatch(
      /^crds\/widget\.yaml: document 0: CustomResourceDefinition\/widgets\.example\.com: spec\.versions\[0\]\.schema\.openAPIV3Schema: is not a valid schema: /,
    );
  });
});

describe('validate --skip-kind', () => {
  it('skips a kind on purpose (any group, or one group; core is the core group) and counts each value', async () => {
    const yaml = `${widget('{size: big}')}---\n${widget('{}', 'other.io/v1')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n`;
    const items = parseManifests(yaml, 'in.yaml');
    const skips = parseKindSkips(['example.com/Widget', 'core/ConfigMap', 'Gadget']);
    expect([...countSkips(items, skips).counts]).toEqual([
      ['example.com/Widget', 1],
      ['core/ConfigMap', 1],
      ['Gadget', 0],
    ]);
    expect(await validateWith(undefined, yaml, ['example.com/Widget', 'core/ConfigMap'])).toEqual([
      expect.stringContaining('in.yaml: Widget/n/w: apiVersion: no schema known for other.io/v1 Widget'),
    ]);
    expect(await validateWith(undefined, yaml, ['Widget', 'ConfigMap'])).toEqual([]);
  });

  it('fails when a --skip-kind value is not Kind or group/Kind', () => {
    expect(problems(() => parseKindSkips(['apps/v1/Deployment', 'v1/Pod', '']))).toEqual([
      "--skip-kind: 'apps/v1/Deployment' is not Kind or group/Kind (e.g. --skip-kind Widget or --skip-kind example.com/Widget; no version)",
      "--skip-kind: 'v1/Pod': v1 is a version, not an API group; use Pod (any group) or core/Pod",
      "--skip-kind: '' is not Kind or group/Kind (e.g. --skip-kind Widget or --skip-kind example.com/Widget; no version)",
    ]);
  });

  it('keeps the CRDs of a skipped CustomResourceDefinition kind, so their objects still validate', async () => {
    expect(await validateWith(undefined, `${WIDGET_CRD}---\n${widget('{size: big}')}`, ['CustomResourceDefinition'])).toEqual([
      'in.yaml: Widget/n/w: spec.size: must be integer',
    ]);
  });

  it('skips in kubeconform the objects skipped here (-skip apiVersion/Kind)', () => {
    const skipped = parseManifests(
      `${widget('{}')}---\n${widget('{}')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
      'in.yaml',
    ).map((i) => i.manifest);
    expect(kubeconformArgs(['dist'], skipped)).toEqual([
      '-strict',
      '-ignore-missing-schemas',
      '-summary',
      '-skip',
      'example.com/v1/Widget,v1/ConfigMap',
      'dist',
    ]);
    expect(kubeconformArgs(['dist'])).toEqual(['-strict', '-ignore-missing-schemas', '-summary', 'dist']);
  });
});

describe('ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1, kubernetes-models)', () => {
  const rendered = readManifests([join(DIST_DIR)]).filter((i) => i.manifest.kind.startsWith('ValidatingAdmissionPolicy'));

  it('validates every rendered policy and binding against its real schema', async () => {
    // Three policies and their bindings per environment: the check read something.
    expect(rendered.length).toBeGreaterThanOrEqual(6);
    expect((await new SchemaValidator().validate(rendered)).map(formatFinding)).toEqual([]);
  });

  const vap = (spec: string) =>
    `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: p}\nspec:\n${spec}`;
  const GOOD = `  failurePolicy: Fail
  matchConstraints:
    matchPolicy: Equivalent
    resourceRules: [{apiGroups: [kyverno.io], apiVersions: [v2], operations: [CREATE], resources: [policyexceptions]}]
  validations: [{expression: 'true', message: ok}]
`;

  it('passes a well-formed policy', async () => {
    expect(await validateWith(undefined, vap(GOOD))).toEqual([]);
  });

  it('fails when a policy has a misspelled field, a wrong enum value or a wrong type', async () => {
    const bad = GOOD.replace('failurePolicy: Fail', 'failurePolicy: Fial')
      .replace('matchPolicy: Equivalent', 'matchPolicyy: Equivalent')
      .replace('message: ok}', 'message: ok, reason: 7}');
    expect(await validateWith(undefined, vap(bad))).toEqual([
      'in.yaml: ValidatingAdmissionPolicy/p: spec.failurePolicy: must be one of Fail|Ignore',
      'in.yaml: ValidatingAdmissionPolicy/p: spec.validations[0].reason: must be string',
      "in.yaml: ValidatingAdmissionPolicy/p: spec.matchConstraints.matchPolicyy: unknown field (misspelled, or not part of this kind's schema)",
    ]);
  });

  it('fails when a binding has a misspelled field or an unknown validation action', async () => {
    const binding = (spec: string) =>
      `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: b}\nspec: ${spec}\n`;
    expect(await validateWith(undefined, binding('{policyName: p, validationActions: [Deny]}'))).toEqual([]);
    expect(await validateWith(undefined, binding('{policyName: p, validationAction: [Deny]}'))).toEqual([
      "in.yaml: ValidatingAdmissionPolicyBinding/b: spec.validationAction: unknown field (misspelled, or not part of this kind's schema)",
    ]);
    expect(await validateWith(undefined, binding('{policyName: p, validationActions: [Block]}'))).toEqual([
      'in.yaml: ValidatingAdmissionPolicyBinding/b: spec.validationActions[0]: must be one of Audit|Deny|Warn',
    ]);
  });
});
