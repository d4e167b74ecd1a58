// The CEL fast path must agree with cel-js on everything: same values, and where cel-js errors, the
// fast path hands over so the error (and its message) is cel-js's own.
import { allTemplatePolicies } from '../../support/fixtures';
import { CelEngine, toCelValue, type CelContext } from '../../../analysis/cel';
import { compileFast } from '../../../analysis/cel/fast';
import { readManifests, type Manifest } from '../../../lib/manifests';
import { autogenExpression, PolicySet } from '../../../analysis/scan';
import { generateCorpus } from '../../bench/scan';
import { templateCaseFiles } from '../../support/template-suites';

const fast = new CelEngine();
const reference = new CelEngine({ fastPath: false });

function outcome(engine: CelEngine, expression: string, context: CelContext): unknown {
  try {
    return { value: engine.compile(expression)(context) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function templateExpressions(): string[] {
  const out = new Set<string>();
  // ImageValidatingPolicies call Kyverno's image functions and are verified at admission only.
  for (const m of allTemplatePolicies().filter((p) => p.kind === 'ValidatingPolicy')) {
    const spec = m.spec as Record<string, Array<Record<string, string>>>;
    const all = [...(spec.matchConditions ?? []), ...(spec.variables ?? [])].map((x) => x.expression);
    for (const v of spec.validations ?? []) all.push(v.expression, ...(v.messageExpression ? [v.messageExpression] : []));
    for (const e of all) for (const family of ['direct', 'template', 'cronjob'] as const) out.add(autogenExpression(e, family));
  }
  return [...out];
}

describe('CEL fast path', () => {
  it('compiles every expression the templates render (so scans never fall back wholesale), but the cluster reads', () => {
    const env = new CelEngine({ fastPath: false });
    // resource.Get / resource.List never evaluate offline (scan skips them), so cel-js keeps those.
    const offline = templateExpressions().filter((e) => !/(?<![\w.])resource\.(Get|List)\(/.test(e));
    expect(offline.length).toBeLessThan(templateExpressions().length);
    const missing = offline.filter((e) => {
      const parsed = env.compile(e) as unknown as { ast: Parameters<typeof compileFast>[0] };
      return compileFast(parsed.ast, () => undefined) === undefined;
    });
    expect(missing).toEqual([]);
  });

  const object = toCelValue({
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'a', team: '' } },
    spec: {
      containers: [
        {
          name: 'a',
          image: 'nginx:latest',
          ports: [{ containerPort: 80, hostPort: 0 }],
          securityContext: { runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } },
        },
        { name: 'b', image: 'x@sha256:' + 'a'.repeat(64), resources: { limits: { cpu: 'lots', memory: 1 } } },
      ],
      initContainers: 'not-a-list',
      os: null,
      weird: [1, 'one', 1.5, true, null],
      big: 9223372036854775807, // eslint-disable-line no-loss-of-precision -- the test is about this loss
      ratio: 0.5,
      nan: Number.NaN,
      ünïcode: 'héllo wörld',
    },
  });
  const context: CelContext = { object, oldObject: null, variables: { labels: { app: 'a' }, list: ['x', 'y'] } };
  it.each([
    'object.spec.containers.all(c, c.?securityContext.?runAsUser.orValue(1) != 0)',
    'object.spec.containers + object.spec.initContainers',
    'object.spec.containers + object.spec.?initContainers.orValue([])',
    "object.spec.?os.?name.orValue('') != 'windows'",
    'object.spec.missing.x',
    'object.spec.?missing.x.orValue(1)',
    'has(object.spec.missing.x)',
    'has(object.spec.os)',
    'has(object.metadata.labels.team)',
    "'x' in object.spec.weird",
    '1 in object.spec.weird',
    "'one' in object.spec.weird",
    'object.spec.weird.all(x, x != null)',
    'object.spec.weird.exists(x, x == 1.5)',
    'object.spec.weird.filter(x, x == 1)',
    'object.spec.weird.map(x, string(x))',
    'object.spec.big + 1 > 0',
    'object.spec.ratio == 0.5',
    'object.spec.ratio == 1',
    'object.spec.nan == object.spec.nan',
    "size(object.spec['ünïcode'])",
    "object.spec['ünïcode'].size() == 11",
    "object.spec.containers.all(c, c.image.matches(':[^/:@]+$') && !c.image.endsWith(':latest'))",
    "object.spec.containers.all(c, c.image.matches('(unclosed'))",
    "object.spec.containers.filter(c, !(c.image.startsWith('x'))).map(c, c.name).join(', ')",
    "object.spec.weird.join(',')",
    "object.spec.containers.all(c, ['cpu', 'memory'].all(r, r in c.?resources.?limits.orValue({}) && isQuantity(string(c.resources.limits[r]))))",
    "object.spec.containers.all(c, sets.contains(['NET_BIND_SERVICE'], c.?securityContext.?capabilities.?add.orValue([])))",
    "['team', 'app'].all(k, k in variables.labels && variables.labels[k] != '')",
    "object.metadata.labels.team == '' || object.spec.missing",
    'object.spec.missing || true',
    'object.spec.missing && false',
    "variables.list[1] == 'y' && variables.list[2] == 'z'",
    "object.metadata.?labels[?'app'].orValue('') == 'a'",
    "object.metadata.?labels[?'nope'].orValue('') == ''",
    "object.?nope[?'app'].orValue(1) == 1",
    'object.spec.containers[?0].orValue(1) == 1',
    "{'a': 1, 'a': 2}.a == 1",
    "{'a': object.spec.ratio}.a < 1.0",
    "object.spec.containers.map(c, c.name) == ['a', 'b']",
    "object.metadata.name.lowerAscii().trim() == 'p' ? 1 : 'no'",
    'object.spec.?ports.orValue(object.spec.missing)',
    "object.spec.containers.exists(c, c.name == 'b')",
    'object.metadata.labels.size() == 2',
    '-object.spec.big < 0',
    'oldObject.spec',
    "object.metadata.name in ['p', 'q']",
    "1 in ['p', 'q']",
    "object.spec.ratio in ['p']",
    "object.spec.missing in ['p']",
    '1 in []',
    "['a', 1, null] == ['a', 1, null]",
    'object.metadata.labels.toString',
    "object.metadata.?labels.?constructor.orValue('none') == 'none'",
    "object.metadata.labels.app == 'a'",
    // Field chains read in one walk: absent or non-map at each depth, prototype keys, and orValue over them.
    'object.spec.containers.x.y',
    "object.metadata.labels.app.x == 'a'",
    'object.metadata.nope.x.y',
    'object.metadata.labels.constructor.x',
    'object.metadata.hasOwnProperty',
    "object.spec.?containers.?x.orValue('none')",
    "object.?metadata.?labels.?app.?x.orValue('none')",
    "object.?metadata.?labels.?toString.orValue('none') == 'none'",
    "object.?spec.?os.?name.orValue('none')",
    'object.spec.containers[0].securityContext.capabilities.add[0] == "NET_ADMIN"',
    'object.spec.containers[1].securityContext.capabilities',
    // Comparisons with a literal: same type, other types, null, and ints at the edge.
    "object.metadata.name == 1 || object.metadata.name != 'p'",
    "object.spec.ratio == 'x'",
    'object.spec.os == null',
    "object.spec.os == 'windows'",
    "object.spec.os != ''",
    'object.metadata.labels.app != true',
    'object.spec.big == 9223372036854775807',
    'object.spec.containers[0].ports[0].hostPort == 0',
    'object.spec.containers[0].ports[0].hostPort == 0.0',
    'object.spec.nan != 1',
    "object.spec.weird.filter(x, x == 'one')",
    'object.spec.weird.exists(x, x == true)',
    // Optionals that reach the top (handed to cel-js) and ones that cannot.
    'object.?spec',
    "object.metadata.?labels[?'app']",
    'true ? object.?spec : null',
    'object.?spec.orValue(object.?metadata)',
    '[object.?spec][0]',
    '[object.?spec].map(x, x)[0]',
    "{'a': object.?spec}.a",
  ])('agrees with cel-js: %s', (expression) => {
    expect(outcome(fast, expression, context)).toEqual(outcome(reference, expression, context));
  });

  it('agrees with cel-js on every fixture and a generated corpus, result by result', () => {
    const policies = allTemplatePolicies();
    const items = [...readManifests(templateCaseFiles()), ...generateCorpus(1_200)];
    const withFast = new PolicySet(policies, { engine: new CelEngine() }).scan(items);
    const withReference = new PolicySet(policies, { engine: new CelEngine({ fastPath: false }) }).scan(items);
    expect(withFast.results.length).toBeGreaterThan(1_000);
    expect(withFast).toEqual(withReference);
  });

  it('memoises nothing across objects: one scan of everything equals one scan per object', () => {
    // Per-object memos (shared matchConditions and variables) are forgotten by stamp between objects.
    const policies = allTemplatePolicies();
    const items = [...readManifests(templateCaseFiles()), ...generateCorpus(300)];
    const namespaces = items.map((i) => i.manifest).filter((m) => m.kind === 'Namespace' && m.apiVersion === 'v1');
    const set = new PolicySet(policies);
    const together = set.scan(items, { namespaces });
    const alone = items.flatMap((item) => set.scan([item], { namespaces }).results);
    expect(together.results.length).toBeGreaterThan(1_000);
    expect(together.results).toEqual(alone);
  });

  it('fails when a manifest is not plain data: hands over to cel-js rather than guess', () => {
    const ctx: CelContext = { object: { spec: new Map([['x', 1n]]) as unknown as Manifest } };
    expect(outcome(fast, 'object.spec.x == 1', ctx)).toEqual(outcome(reference, 'object.spec.x == 1', ctx));
    // Not plain data at the end of a field chain, inside one, and under an optional chain.
    const odd: CelContext = {
      object: toCelValue({ metadata: { name: 'p' } }) as Manifest,
      variables: { m: { at: new Date(0), inner: { map: new Map([['x', 1n]]) } } },
    };
    for (const e of [
      'variables.m.at',
      'variables.m.inner.map',
      'variables.m.inner.map.x',
      "variables.m.?inner.?map.orValue('none')",
      "variables.m.?at.?x.orValue('none')",
      'has(variables.m.inner.map)',
    ])
      expect(outcome(fast, e, odd)).toEqual(outcome(reference, e, odd));
  });
});
