import { parseManifests, readManifests, toYaml } from '../../lib/manifests';
import { DIST_DIR } from '../../lib/paths';
import { formatFinding, SchemaValidator } from '../../analysis/schema';

const validate = async (yaml: string) => (await new SchemaValidator().validate(parseManifests(yaml, 'fixture.yaml'))).map(formatFinding);

describe('schema validation', () => {
  it('passes every manifest in dist/', async () => {
    const items = readManifests([DIST_DIR]);
    expect(items.length).toBeGreaterThan(0);
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
  });

  it('fails when a core kind has a misspelled field, naming file, resource and field path', async () => {
    const out = await validate(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, imagePullPolicyy: Always}]
`);
    expect(out).toEqual([
      "fixture.yaml: Deployment/shop/web: spec.template.spec.containers[0].imagePullPolicyy: unknown field (misspelled, or not part of this kind's schema)",
    ]);
  });

  it('fails when a core kind has a field of the wrong type', async () => {
    const out = await validate('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n');
    expect(out).toEqual(['fixture.yaml: ConfigMap/c: data.a: must be string']);
  });

  it('fails when a Kyverno policy has a value outside its enum', async () => {
    const out = await validate(
      'apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: p}\nspec: {validationActions: [Block]}\n',
    );
    expect(out).toEqual(['fixture.yaml: ValidatingPolicy/p: spec.validationActions[0]: must be one of Deny|Audit|Warn']);
  });

  it('fails when a Kyverno object has an unknown field, at any depth, naming the field (strict like the API server)', async () => {
    const out = await validate(`apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: p, lables: {a: b}}
spec:
  validationActions: [Deny]
  matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods], scopee: '*'}]}
  validations: [{expression: 'true', mesage: m}]
`);
    expect(out).toEqual([
      "fixture.yaml: ValidatingPolicy/p: spec.matchConstraints.resourceRules[0].scopee: unknown field (misspelled, or not part of this kind's schema)",
      "fixture.yaml: ValidatingPolicy/p: spec.validations[0].mesage: unknown field (misspelled, or not part of this kind's schema)",
      "fixture.yaml: ValidatingPolicy/p: metadata.lables: unknown field (misspelled, or not part of this kind's schema)",
    ]);
  });

  it('fails when a policies.kyverno.io match rule has an operation, scope or matchPolicy Kubernetes does not define', async () => {
    const out = await validate(`apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: p}
spec:
  validationActions: [Deny]
  matchConstraints:
    matchPolicy: Fuzzy
    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CRAETE], resources: [pods], scope: Global}]
  validations: [{expression: 'true'}]
`);
    expect(out).toEqual([
      'fixture.yaml: ValidatingPolicy/p: spec.matchConstraints.matchPolicy: must be one of Equivalent|Exact',
      'fixture.yaml: ValidatingPolicy/p: spec.matchConstraints.resourceRules[0].operations[0]: must be one of *|CONNECT|CREATE|DELETE|UPDATE',
      'fixture.yaml: ValidatingPolicy/p: spec.matchConstraints.resourceRules[0].scope: must be one of *|Cluster|Namespaced',
    ]);
  });

  it('keeps free-form the Kyverno fields the CRD preserves (a ClusterPolicy pattern)', async () => {
    const out = await validate(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
    - name: r
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate: {message: m, pattern: {spec: {containers: [{anything: goes, '=(securityContext)': {runAsNonRoot: true}}]}}}
`);
    expect(out).toEqual([]);
  });

  it('fails when a Kyverno duration is not a Go duration (metav1.Duration: 10m, 1h30m)', async () => {
    const entry = (interval: string) =>
      `apiVersion: kyverno.io/v2\nkind: GlobalContextEntry\nmetadata: {name: g}\nspec: {apiCall: {urlPath: /api/v1/namespaces, refreshInterval: '${interval}'}}\n`;
    expect(await validate(entry('1h30m'))).toEqual([]);
    expect((await validate(entry('P1D')))[0]).toMatch(
      /^fixture\.yaml: GlobalContextEntry\/g: spec\.apiCall\.refreshInterval: must match pattern /,
    );
  });

  it('fails when a Kyverno kind uses a version Kyverno does not serve, naming the served versions', async () => {
    const out = await validate('apiVersion: kyverno.io/v1beta1\nkind: UpdateRequest\nmetadata: {name: u, namespace: kyverno}\nspec: {}\n');
    expect(out).toEqual([
      'fixture.yaml: UpdateRequest/kyverno/u: apiVersion: no schema for kyverno.io/v1beta1 UpdateRequest: Kyverno v1.19.0 serves version(s) v2, not v1beta1',
    ]);
  });

  it('fails when an Argo CD Application has an unknown field', async () => {
    const out = await validate(
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a, namespace: argocd}\nspec: {project: p, destination: {server: https://x}, sources: [], syncPolicyy: {}}\n',
    );
    expect(out).toEqual([
      "fixture.yaml: Application/argocd/a: spec.syncPolicyy: unknown field (misspelled, or not part of this kind's schema)",
    ]);
  });

  it("accepts PolicyException.spec.expiresAt (in Kyverno v1.19's schema) and fails when it is not a date-time", async () => {
    const exception = (expiresAt: string) =>
      `apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: e, namespace: krate-system}\nspec: {policyRefs: [{name: p, kind: ValidatingPolicy}], expiresAt: '${expiresAt}'}\n`;
    expect(await validate(exception('2026-12-22T00:00:00Z'))).toEqual([]);
    expect(await validate(exception('2026-12-22'))).toEqual([
      'fixture.yaml: PolicyException/krate-system/e: spec.expiresAt: must be an RFC 3339 date-time like 2026-12-22T00:00:00Z',
    ]);
  });

  it('fails when a kind has no known schema', async () => {
    const out = await validate('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(out[0]).toContain('fixture.yaml: Widget/w: apiVersion: no schema known for example.com/v1 Widget');
  });

  it("validates this repository's own CRD kinds against the CRD's openAPIV3Schema", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.krate.a5c.ai}
spec:
  group: krate.a5c.ai
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                mode: {type: string, enum: [audit, enforce]}
---
apiVersion: krate.a5c.ai/v1alpha1
kind: Widget
metadata: {name: w, namespace: n}
spec: {mode: enforced, colour: red}
`;
    const out = await validate(crd);
    expect(out).toEqual([
      "fixture.yaml: Widget/n/w: spec: unknown field 'colour'",
      'fixture.yaml: Widget/n/w: spec.mode: must be one of audit|enforce',
    ]);
  });
});

describe('dist/ YAML', () => {
  it('quotes every string YAML 1.1 would read as another type (dates, booleans, octals)', () => {
    const out = toYaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { requested: '2026-11-21', flag: 'yes', mode: '0755' } },
    });
    expect(out).toContain('requested: "2026-11-21"');
    expect(out).toContain('flag: "yes"');
    expect(out).toContain('mode: "0755"');
  });
});
