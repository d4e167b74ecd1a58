// Kyverno's autogen rewrite and matching, piece by piece (pkg/cel/autogen, pkg/cel/matching).
import {
  autogenRewrite,
  autogenSpecs,
  buildRequest,
  canAutogen,
  compilePolicies,
  evaluate,
  libraries,
  prepareResource,
} from '../../../analysis/kyverno-test/engine';
import { createKyvernoCelEngine } from '../../../analysis/kyverno-test/cel-env';
import { ClusterSnapshot } from '../../../analysis/kyverno-test/context';
import type { Manifest } from '../../../lib/manifests';
import { KindResolver } from '../../../lib/kinds';

const podRule = { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] };

describe('autogen', () => {
  it.each([
    ['object.spec.containers', 'defaults', 'object.spec.template.spec.containers'],
    ['oldObject.spec.containers', 'cronjobs', 'oldObject.spec.jobTemplate.spec.template.spec.containers'],
    ["object.metadata.labels['app']", 'defaults', "object.spec.template.metadata.labels['app']"],
    ['object.metadata.name', 'defaults', 'object.spec.template.metadata.name'],
    ['object.metadata.namespace', 'cronjobs', 'object.metadata.namespace'],
    ['object.metadata.namespaceFoo', 'defaults', 'object.spec.template.metadata.namespaceFoo'],
    ['namespaceObject.metadata.name', 'defaults', 'namespaceObject.metadata.name'],
  ] as const)('%s (%s) → %s', (from, config, to) => {
    expect(autogenRewrite(from, config)).toBe(to);
  });

  it('applies to one rule for core v1 pods without names, object selectors or exclusions', () => {
    expect(canAutogen({ resourceRules: [podRule] })).toBe(true);
    expect(canAutogen({ resourceRules: [podRule], namespaceSelector: { matchLabels: { a: 'b' } } })).toBe(true);
    expect(canAutogen({ resourceRules: [podRule], objectSelector: { matchLabels: { a: 'b' } } })).toBe(false);
    expect(canAutogen({ resourceRules: [{ ...podRule, resourceNames: ['x'] }] })).toBe(false);
    expect(canAutogen({ resourceRules: [podRule, { ...podRule, resources: ['services'] }] })).toBe(false);
    expect(canAutogen({ resourceRules: [podRule], excludeResourceRules: [podRule] })).toBe(false);
  });

  it('generates autogen-cronjob and autogen variants for every controller unless the policy lists them', () => {
    const spec = {
      matchConstraints: { resourceRules: [podRule], namespaceSelector: { matchLabels: { env: 'prod' } } },
      validations: [{ expression: 'object.spec.hostPID != true' }],
    };
    const all = autogenSpecs(spec);
    expect(all.map((a) => a.variant)).toEqual(['autogen-cronjob', 'autogen']);
    expect(all[1].spec.matchConstraints).toEqual({
      resourceRules: [
        {
          apiGroups: ['apps'],
          apiVersions: ['v1'],
          resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
          operations: ['CREATE', 'UPDATE'],
        },
        { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] },
      ],
      namespaceSelector: { matchLabels: { env: 'prod' } },
    });
    expect(all[0].spec.validations).toEqual([{ expression: 'object.spec.jobTemplate.spec.template.spec.hostPID != true' }]);
    expect(
      autogenSpecs({ ...spec, autogen: { podControllers: { controllers: ['statefulsets'] } } }).map(
        (a) => (a.spec.matchConstraints as { resourceRules: Array<{ resources: string[] }> }).resourceRules[0].resources,
      ),
    ).toEqual([['statefulsets']]);
    expect(autogenSpecs({ ...spec, autogen: { podControllers: { controllers: [] } } })).toEqual([]);
  });
});

describe('requests', () => {
  const kinds = new KindResolver();
  const pod = prepareResource({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'shop', labels: { a: 'b' } },
    spec: { replicas: 2 },
  });

  it('builds the admission request Kyverno serialises, per operation', () => {
    const create = buildRequest(pod, 'CREATE', kinds, new Map(), { username: 'jane' });
    expect(create.base.request).toMatchObject({
      operation: 'CREATE',
      name: 'p',
      namespace: 'shop',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      userInfo: { username: 'jane' },
      oldObject: null,
    });
    expect(create.base.object).toEqual(pod.cel);
    const del = buildRequest(pod, 'DELETE', kinds, new Map(), {});
    expect([del.base.object, del.base.oldObject === pod.cel]).toEqual([null, true]);
  });

  it('labels namespaces as the CLI does: known ones from values, others by name only', () => {
    const ns = new Map([['shop', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod' } } }]]);
    expect(buildRequest(pod, 'CREATE', kinds, ns, {}).namespaceLabels).toEqual({ env: 'prod' });
    expect(buildRequest(pod, 'CREATE', kinds, new Map(), {}).namespaceLabels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
  });

  it('carries numbers as doubles, as kyverno test converts them', () => {
    expect((pod.cel as { spec: { replicas: unknown } }).spec.replicas).toBe(2);
  });
});

describe('evaluation on one request, policy by policy', () => {
  const kinds = new KindResolver();
  const policy = (name: string, variables: Array<{ name: string; expression: string }>, validation: string) => ({
    manifest: {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'ValidatingPolicy',
      metadata: { name },
      spec: {
        validationActions: ['Audit'],
        matchConstraints: { resourceRules: [podRule] },
        variables,
        validations: [{ expression: validation }],
      },
    } as Manifest,
    file: 'p.yaml',
    index: 0,
  });
  const run = (docs: ReturnType<typeof policy>[]) => {
    const { policies, errors } = compilePolicies(docs, [], createKyvernoCelEngine());
    expect(errors).toEqual([]);
    const pod = prepareResource({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [] } });
    const req = buildRequest(pod, 'CREATE', kinds, new Map(), {});
    const snapshot = new ClusterSnapshot(kinds);
    return evaluate(policies, req, (ns) => libraries(snapshot, ns)).flatMap((r) =>
      r.rules.map((x) => `${r.policy}: ${x.status}: ${x.message}`),
    );
  };

  it('keeps each policy’s own variable name in the error of a request-only variable both evaluate', () => {
    expect(
      run([
        policy('a', [{ name: 'first', expression: 'object.spec.missing.x' }], 'variables.first == 1'),
        policy('b', [{ name: 'second', expression: 'object.spec.missing.x' }], 'variables.second == 1'),
      ]),
    ).toEqual(['a: error: error: variables.first: No such key: missing', 'b: error: error: variables.second: No such key: missing']);
  });

  it('keeps variables that read other variables per policy', () => {
    expect(
      run([
        policy(
          'a',
          [
            { name: 'base', expression: '1' },
            { name: 'next', expression: 'variables.base + 1' },
          ],
          'variables.next == 2',
        ),
        policy(
          'b',
          [
            { name: 'base', expression: '2' },
            { name: 'next', expression: 'variables.base + 1' },
          ],
          'variables.next == 3',
        ),
      ]),
    ).toEqual(['a: pass: success', 'b: pass: success']);
  });
});
