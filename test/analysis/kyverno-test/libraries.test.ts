// The CEL environment krate-policy test gives policies: Kubernetes libraries, cel-go extensions
// and Kyverno's libraries, each checked against what its Go counterpart returns. Every case runs
// with the fast path on and off (cel-js alone), which must agree.
import { createKyvernoCelEngine, rewriteHas } from '../../../analysis/kyverno-test/cel-env';
import { ClusterSnapshot, GlobalContext, HttpContext, ImageDataContext, ResourceContext } from '../../../analysis/kyverno-test/context';
import { KindResolver } from '../../../lib/kinds';
import { toCelValue } from '../../../analysis/kyverno-test/cel';

const snapshot = new ClusterSnapshot(new KindResolver());
snapshot.addObject({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'platform', labels: { tier: 'gold' } },
  data: { registries: 'ghcr.io,quay.io' },
});
snapshot.addObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'platform' }, data: {} });
snapshot.addImage('ghcr.io/acme/app:1.0', { config: { config: { User: '1000' } } });
snapshot.addGlobal('regions', { eu: ['eu-1'] });
snapshot.addHttp('GET:https://api.example.com/allow', { body: { allowed: true }, statusCode: 200 });

const context = {
  object: toCelValue({ metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3, containers: [{ name: 'a', image: 'nginx' }] } }),
  request: toCelValue({ userInfo: { username: 'system:serviceaccount:ci:bot' } }),
  resource: new ResourceContext(snapshot, ''),
  image: new ImageDataContext(snapshot),
  globalContext: new GlobalContext(snapshot),
  http: new HttpContext(snapshot),
};
const namespacedContext = { ...context, resource: new ResourceContext(snapshot, 'platform') };

const engines = { 'fast path': createKyvernoCelEngine(), 'cel-js only': createKyvernoCelEngine({ fastPath: false }) };
const evaluate = (expr: string, ctx: object = context) => {
  const values = Object.values(engines).map((e) => {
    try {
      return e.compile(rewriteHas(expr))(ctx as never);
    } catch (err) {
      return `error: ${(err as Error).message.split('\n')[0]}`;
    }
  });
  expect(values[1]).toEqual(values[0]);
  return values[0];
};

describe('Kubernetes CEL libraries', () => {
  it.each([
    // lists
    ['[3, 1, 2].isSorted()', false],
    ['[1, 2, 3].sum()', 6n],
    ['[1.5, 2.5].sum()', 4],
    ['[3, 1, 2].min()', 1n],
    ["['b', 'a'].max()", 'b'],
    ['[1, 2, 2].indexOf(2)', 1n],
    ['[1, 2, 2].lastIndexOf(2)', 2n],
    // strings (ext v2) and regex
    ["'hello'.charAt(1)", 'e'],
    ["'a-b-c'.replace('-', '+')", 'a+b+c'],
    ["'a-b-c'.replace('-', '+', 1)", 'a+b-c'],
    ["'abc'.reverse()", 'cba'],
    ["'%s has %d replicas (%.1f%%)'.format(['web', 3, 99.5])", 'web has 3 replicas (99.5%)'],
    ['strings.quote(\'say "hi"\')', '"say \\"hi\\""'],
    ["'v1.2.3'.find('[0-9]+')", '1'],
    ["'a1b22c333'.findAll('[0-9]+')", ['1', '22', '333']],
    ["'a1b22c333'.findAll('[0-9]+', 2)", ['1', '22']],
    ["regex.replace('banana', 'a(n)', '$1')", 'bnna'],
    ["regex.extract('image:v1.2', 'v([0-9]+)').value()", '1'],
    ["regex.extractAll('a1 b2', '[a-z]([0-9])')", ['1', '2']],
    ["'ABC'.matches('(?i)^abc$')", true],
    ["'ABC'.matches('^abc$')", false],
    // lists (ext v3)
    ['[1, 2, 3, 4].slice(1, 3)', [2n, 3n]],
    ['[[1], [2, [3]]].flatten()', [1n, 2n, [3n]]],
    ['[[1], [2, [3]]].flatten(2)', [1n, 2n, 3n]],
    ['[1, 2, 1].distinct()', [1n, 2n]],
    ['[1, 2].reverse()', [2n, 1n]],
    ["['b', 'c', 'a'].sort()", ['a', 'b', 'c']],
    ['[3, 1, 2].sortBy(x, -x)', [3n, 2n, 1n]],
    ['lists.range(3)', [0n, 1n, 2n]],
    ['[].first().hasValue()', false],
    ['[1, 2].last().value()', 2n],
    // math and encoders
    ['math.greatest(1, 7, 3)', 7n],
    ['math.least([2.5, 1.5])', 1.5],
    ['math.ceil(1.2)', 2],
    ['math.round(-1.5)', -2],
    ['math.abs(-3)', 3n],
    ['math.bitOr(1, 4)', 5n],
    ["base64.encode(b'kyverno')", 'a3l2ZXJubw=='],
    ["string(base64.decode('a3l2ZXJubw=='))", 'kyverno'],
    // quantity, semver
    ["quantity('1Gi').isGreaterThan(quantity('1000Mi'))", true],
    ["quantity('500m').asApproximateFloat()", 0.5],
    ["quantity('1.5').isInteger()", false],
    ["quantity('2k').add(1).asInteger()", 2001n],
    ["quantity('1').compareTo(quantity('1000m'))", 0n],
    ["isQuantity('1Gi') && !isQuantity('1GB')", true],
    ["semver('1.2.3').isLessThan(semver('1.10.0'))", true],
    ["semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", true],
    ["semver('v1.2', true).minor()", 2n],
    ["isSemver('v1.2') || !isSemver('v1.2', true)", false],
    // ip, cidr, url, format
    ["ip('10.0.0.1').family()", 4n],
    ["string(ip('2001:db8:0:0:0:0:0:1'))", '2001:db8::1'],
    ["ip('127.0.0.1').isLoopback() && ip('fe80::1').isLinkLocalUnicast() && ip('8.8.8.8').isGlobalUnicast()", true],
    ["isIP('1.2.3') || isIP('::ffff:1.2.3.4')", false],
    ["ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')", true],
    ["cidr('10.0.0.0/8').containsIP('10.1.2.3')", true],
    ["cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", true],
    ["string(cidr('192.168.1.5/24').masked())", '192.168.1.0/24'],
    ["cidr('192.168.0.0/16').prefixLength()", 16n],
    ["url('https://example.com:8443/a/b?x=1&x=2').getQuery()", { x: ['1', '2'] }],
    ["url('https://[::1]:8443/p').getHostname()", '::1'],
    ["url('https://example.com:8443/p').getHost()", 'example.com:8443'],
    ["isURL('/absolute/path') && !isURL('relative/path')", true],
    ["format.dns1123Label().validate('ok-name').hasValue()", false],
    ["format.dns1123Label().validate('Not_OK').value().size()", 1n],
    ["format.named('uuid').value().validate('not-a-uuid').hasValue()", true],
    ["format.named('nope').hasValue()", false],
    ['sets.equivalent([1, 2], [2, 1, 1])', true],
    ['optional.ofNonZeroValue(0).hasValue()', false],
  ])('%s', (expr, expected) => {
    expect(evaluate(expr)).toEqual(expected);
  });
});

describe('Kyverno CEL libraries', () => {
  it.each([
    ["resource.Get('v1', 'configmaps', 'platform', 'settings').data.registries", 'ghcr.io,quay.io'],
    ["resource.get('v1', 'configmaps', 'platform', 'missing') == null", true],
    ["resource.List('v1', 'configmaps', 'platform').items.map(i, i.metadata.name)", ['other', 'settings']],
    ["resource.List('v1', 'configmaps', 'platform', {'tier': 'gold'}).items.size()", 1n],
    ["resource.Get(resource.ToGVR('v1', 'ConfigMap'), 'platform', 'settings').metadata.name", 'settings'],
    ["image.GetMetadata('ghcr.io/acme/app:1.0').config.config.User", '1000'],
    ["image('nginx').registry() + '/' + image('nginx').repository() + ':' + image('nginx').tag()", 'index.docker.io/library/nginx:latest'],
    ["parseImageReference('ghcr.io/acme/app:1.0').identifier()", '1.0'],
    [
      "parseImageReference('ghcr.io/acme/app@sha256:' + '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef').containsDigest()",
      true,
    ],
    ["isImage('ghcr.io/acme/app:1.0') && !isImage('Upper/Case')", true],
    ['parseServiceAccount(request.userInfo.username).Namespace', 'ci'],
    ["user.parseServiceAccount('jane').Name", ''],
    ["sha256('kyverno') == hash.sha256('kyverno') && md5('') == 'd41d8cd98f00b204e9800998ecf8427e'", true],
    ["sha256('kyverno')", '6900ead2739f4d80767db3f097b8c7e352c395dac245945161cb7d5e3f8438b3'],
    ['json.unmarshal(\'{"a": [1, 2]}\').a[1]', 2n],
    ["json.marshal({'b': 1, 'a': true})", '{"a":true,"b":1}'],
    ["yaml.parse('a: {b: c}').a.b", 'c'],
    ['math.round(3.14159, 2)', 3.14],
    ["transform.listObjToMap([{'k': 'x'}], [{'v': 1}], 'k', 'v')", { x: 1n }],
    ["gzip.decompress(gzip.compress('kyverno'))", 'kyverno'],
    ['time.now() > timestamp("2024-01-01T00:00:00Z")', true],
    ["time.toCron(timestamp('2024-03-04T05:06:00Z'))", '6 5 4 3 1'],
    ["globalContext.Get('regions', 'eu')", ['eu-1']],
    ["http.Get('https://api.example.com/allow').body.allowed", true],
    ['random().size()', 8n],
    ["random('[a-f]{4}').matches('^[a-f]{4}$')", true],
  ])('%s', (expr, expected) => {
    expect(evaluate(expr)).toEqual(expected);
  });

  it('context functions fail with a message that says what to add to the test', () => {
    expect(evaluate("image.GetMetadata('nginx:1')")).toBe(
      "error: failed to get image data: image data for nginx:1 not found in the context (add it to the test's context file under spec.images)",
    );
    expect(evaluate("http.Post('https://x.example.com', {})")).toBe(
      "error: HTTP POST https://x.example.com: no network offline; mock it in the test's apiCallResponses",
    );
    expect(evaluate("resource.Post('v1', 'configmaps', 'x', {})")).toMatch(
      /resource\.Post writes to the cluster and is not available offline/,
    );
  });

  it('namespaced policies read their own namespace with the short forms', () => {
    expect(evaluate("resource.Get('v1', 'configmaps', 'settings').metadata.namespace", namespacedContext)).toBe('platform');
    expect(evaluate("resource.List('v1', 'configmaps').items.size()", namespacedContext)).toBe(2n);
    expect(evaluate("resource.Get('v1', 'configmaps', 'settings')")).toMatch(/only available to namespaced policies/);
  });
});

describe('Kyverno compatibility', () => {
  it("orValue on a value that is not optional returns it (Kyverno's cel-go 0.27 compatibility)", () => {
    expect(evaluate('object.spec.containers.orValue([]).size()')).toBe(1n);
    expect(evaluate('object.spec.?initContainers.orValue([]).size()')).toBe(0n);
  });

  it('has() takes any operand, as in cel-go', () => {
    expect(evaluate("has(resource.Get('v1', 'configmaps', 'platform', 'settings').data.registries)")).toBe(true);
    expect(evaluate('has(object.spec.containers[0].resources)')).toBe(false);
    expect(rewriteHas("has(a.b) && has(f(x).y) && 'has(z.w)' != ''")).toBe(
      "has(a.b) && cel.bind(__kyvernoHas0, f(x), has(__kyvernoHas0.y)) && 'has(z.w)' != ''",
    );
  });

  it('doubles and ints compare across types (resources carry doubles in kyverno test)', () => {
    const ctx = { ...context, object: { spec: { replicas: 3 } } };
    expect(evaluate('object.spec.replicas == 3 && object.spec.replicas > 2 && object.spec.replicas in [1, 3]', ctx)).toBe(true);
    expect(evaluate('object.spec.replicas + 1', ctx)).toMatch(/^error: /);
  });
});
