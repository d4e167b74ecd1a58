// Kyverno's CEL libraries (github.com/kyverno/sdk extensions/cel/libs, as
// pkg/cel/policies/vpol/compiler/compiler.go registers them), offline: resource, image,
// imagedata, user, hash, math.round, json, yaml, random, x509, time, transform, gzip,
// globalContext and http. Context-dependent ones read the test's ClusterSnapshot (context.ts);
// what needs a network (image signature verification, unmocked HTTP) is an evaluation error that
// says so. Kyverno v1.18+ names every context function both ways (resource.Get and resource.get).
import { createHash, randomInt, X509Certificate } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';
import { toCelValue } from './cel';
import { fail, ImageRef } from './cel-types';
import { GlobalContext, GVR, HttpContext, ImageDataContext, ResourceContext } from './context';
import { durationNanos, fn, namespace, typeName, type Handler } from './libraries';

/** A CEL value as plain JSON data (json.marshal, http bodies). */
export function toNative(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toNative);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (v instanceof Optional) return v.hasValue() ? toNative(v.value()) : null;
  const c = (v as object).constructor;
  if (c === Object || c === undefined) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = toNative((v as Record<string, unknown>)[k]);
    return out;
  }
  if ('value' in v && typeof (v as { value: unknown }).value === 'bigint') return toNative((v as { value: bigint }).value);
  const d = durationNanos(v);
  if (d !== undefined) return `${Number(d) / 1e9}s`;
  return String(v);
}

const str = (v: unknown, what: string): string => (typeof v === 'string' ? v : fail(`${what}: expected string, got ${typeName(v)}`));

/** Registers `name` and, since Kyverno 1.18, its camelCase twin. */
function both<A extends unknown[]>(
  env: Environment,
  receiver: string,
  name: string,
  params: readonly string[],
  returns: string,
  handler: Handler<A>,
): void {
  fn(env, receiver, name, params, returns, handler);
  fn(env, receiver, name[0].toLowerCase() + name.slice(1), params, returns, handler);
}

function registerResource(env: Environment): void {
  const R = 'kyverno.ResourceContext';
  const G = 'kyverno.GroupVersionResource';
  env.registerType(R, ResourceContext);
  env.registerType(G, GVR);
  env.registerVariable('resource', R);
  const own = (c: ResourceContext, call: string) =>
    c.policyNamespace || fail(`resource.${call}: this form (without a namespace) is only available to namespaced policies`);
  const labels = (m: unknown) => m as Record<string, string>;
  // Cluster-wide policies name the namespace; namespaced policies read their own.
  both(
    env,
    R,
    'Get',
    ['string', 'string', 'string', 'string'],
    'dyn',
    (c: ResourceContext, av: string, r: string, ns: string, name: string) => c.snapshot.get(av, r, ns, name),
  );
  both(env, R, 'Get', [G, 'string', 'string'], 'dyn', (c: ResourceContext, g: GVR, ns: string, name: string) =>
    c.snapshot.get(g.apiVersion, g.resource, ns, name),
  );
  both(env, R, 'Get', ['string', 'string', 'string'], 'dyn', (c: ResourceContext, av: string, r: string, name: string) =>
    c.snapshot.get(av, r, own(c, 'Get'), name),
  );
  both(env, R, 'Get', [G, 'string'], 'dyn', (c: ResourceContext, g: GVR, name: string) =>
    c.snapshot.get(g.apiVersion, g.resource, own(c, 'Get'), name),
  );
  both(env, R, 'List', ['string', 'string', 'string'], 'dyn', (c: ResourceContext, av: string, r: string, ns: string) =>
    c.snapshot.list(av, r, ns),
  );
  both(env, R, 'List', ['string', 'string', 'string', 'map'], 'dyn', (c: ResourceContext, av: string, r: string, ns: string, l: unknown) =>
    c.snapshot.list(av, r, ns, labels(l)),
  );
  both(env, R, 'List', [G, 'string'], 'dyn', (c: ResourceContext, g: GVR, ns: string) => c.snapshot.list(g.apiVersion, g.resource, ns));
  both(env, R, 'List', [G, 'string', 'map'], 'dyn', (c: ResourceContext, g: GVR, ns: string, l: unknown) =>
    c.snapshot.list(g.apiVersion, g.resource, ns, labels(l)),
  );
  both(env, R, 'List', ['string', 'string'], 'dyn', (c: ResourceContext, av: string, r: string) => c.snapshot.list(av, r, own(c, 'List')));
  both(env, R, 'List', ['string', 'string', 'map'], 'dyn', (c: ResourceContext, av: string, r: string, l: unknown) =>
    c.snapshot.list(av, r, own(c, 'List'), labels(l)),
  );
  both(env, R, 'List', [G], 'dyn', (c: ResourceContext, g: GVR) => c.snapshot.list(g.apiVersion, g.resource, own(c, 'List')));
  both(env, R, 'List', [G, 'map'], 'dyn', (c: ResourceContext, g: GVR, l: unknown) =>
    c.snapshot.list(g.apiVersion, g.resource, own(c, 'List'), labels(l)),
  );
  const post = () => fail('failed to create resource: resource.Post writes to the cluster and is not available offline');
  both(env, R, 'Post', ['string', 'string', 'string', 'map'], 'dyn', post);
  both(env, R, 'Post', ['string', 'string', 'map'], 'dyn', post);
  both(env, R, 'ToGVR', ['string', 'string'], G, (c: ResourceContext, av: string, kind: string) => {
    const slash = av.indexOf('/');
    return new GVR(slash < 0 ? '' : av.slice(0, slash), av.slice(slash + 1), c.snapshot.kinds.resource(av, kind));
  });
}

function registerImage(env: Environment): void {
  const I = 'kyverno.image';
  env.registerType(I, ImageRef);
  const parse = (s: string) => ImageRef.parse(s);
  fn(env, null, 'image', ['string'], I, parse);
  fn(env, null, 'parseImageReference', ['string'], I, parse);
  fn(env, null, 'isImage', ['string'], 'bool', (s: string) => {
    try {
      ImageRef.parse(s);
      return true;
    } catch {
      return false;
    }
  });
  fn(env, I, 'containsDigest', [], 'bool', (i: ImageRef) => i.digest !== '');
  fn(env, I, 'registry', [], 'string', (i: ImageRef) => i.registry);
  fn(env, I, 'repository', [], 'string', (i: ImageRef) => i.repository);
  fn(env, I, 'identifier', [], 'string', (i: ImageRef) => i.identifier());
  fn(env, I, 'tag', [], 'string', (i: ImageRef) => i.tag);
  fn(env, I, 'digest', [], 'string', (i: ImageRef) => i.digest);
  // imagedata: `image.GetMetadata(ref)` from the Context file's spec.images.
  const D = 'kyverno.ImageDataContext';
  env.registerType(D, ImageDataContext);
  env.registerVariable('image', D);
  both(env, D, 'GetMetadata', ['string'], 'dyn', (c: ImageDataContext, ref: string) => c.snapshot.image(ref));
}

function registerContextLibs(env: Environment): void {
  const GC = 'kyverno.GlobalContext';
  env.registerType(GC, GlobalContext);
  env.registerVariable('globalContext', GC);
  both(env, GC, 'Get', ['string'], 'dyn', (c: GlobalContext, name: string) => c.snapshot.global(name, ''));
  both(env, GC, 'Get', ['string', 'string'], 'dyn', (c: GlobalContext, name: string, p: string) => c.snapshot.global(name, p));
  const H = 'kyverno.HttpContext';
  env.registerType(H, HttpContext);
  env.registerVariable('http', H);
  both(env, H, 'Get', ['string'], 'dyn', (c: HttpContext, url: string) => c.snapshot.httpResponse('GET', url));
  both(env, H, 'Get', ['string', 'map'], 'dyn', (c: HttpContext, url: string) => c.snapshot.httpResponse('GET', url));
  both(env, H, 'Post', ['string', 'dyn'], 'dyn', (c: HttpContext, url: string) => c.snapshot.httpResponse('POST', url));
  both(env, H, 'Post', ['string', 'dyn', 'map'], 'dyn', (c: HttpContext, url: string) => c.snapshot.httpResponse('POST', url));
  both(env, H, 'Client', ['string'], H, (c: HttpContext) => c);
}

/** Go's x509.Certificate fields a policy reads, under their Go names (as Kyverno's x509.decode returns them). */
function decodeCertificate(pem: string): unknown {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    return fail(`failed to decode PEM block containing the certificate: ${(e as Error).message}`);
  }
  const name = (dn: string) => {
    const fields: Record<string, string[]> = {};
    for (const line of dn.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) (fields[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
    }
    return {
      CommonName: fields.CN?.[0] ?? '',
      Organization: fields.O ?? null,
      OrganizationalUnit: fields.OU ?? null,
      Country: fields.C ?? null,
      Province: fields.ST ?? null,
      Locality: fields.L ?? null,
    };
  };
  const sans = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
  const pick = (prefix: string) => {
    const v = sans.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
    return v.length ? v : null;
  };
  return toCelValue({
    Version: 3,
    SerialNumber: Number.parseInt(cert.serialNumber, 16),
    Subject: name(cert.subject),
    Issuer: name(cert.issuer),
    NotBefore: new Date(cert.validFrom).toISOString().replace('.000Z', 'Z'),
    NotAfter: new Date(cert.validTo).toISOString().replace('.000Z', 'Z'),
    DNSNames: pick('DNS:'),
    EmailAddresses: pick('email:'),
    IPAddresses: pick('IP Address:'),
    URIs: pick('URI:'),
    IsCA: cert.ca,
    PublicKeyAlgorithm: cert.publicKey.asymmetricKeyType?.toUpperCase() ?? '',
  });
}

/** A random string matching a simple regular expression: literals, classes (`[a-z0-9]`, `\\d`, `\\w`, `.`) and quantifiers ({n}, {n,m}, ?, +, *). */
export function randomFromPattern(pattern: string): string {
  let out = '';
  let i = 0;
  const p = pattern.replace(/^\^/, '').replace(/\$$/, '');
  while (i < p.length) {
    let alphabet: string[];
    if (p[i] === '[') {
      const end = p.indexOf(']', i + 1);
      const body = p.slice(i + 1, end < 0 ? p.length : end);
      alphabet = [];
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && j + 2 < body.length) {
          for (let c = body.charCodeAt(j); c <= body.charCodeAt(j + 2); c++) alphabet.push(String.fromCharCode(c));
          j += 2;
        } else alphabet.push(body[j]);
      }
      i = end < 0 ? p.length : end + 1;
    } else if (p[i] === '\\') {
      const c = p[i + 1] ?? '';
      alphabet = c === 'd' ? [...'0123456789'] : c === 'w' ? [...'abcdefghijklmnopqrstuvwxyz0123456789_'] : [c];
      i += 2;
    } else {
      alphabet = p[i] === '.' ? [...'abcdefghijklmnopqrstuvwxyz0123456789'] : [p[i]];
      i++;
    }
    let count = 1;
    const q = /^(?:\{(\d+)(?:,(\d*))?\}|[?+*])/.exec(p.slice(i));
    if (q) {
      i += q[0].length;
      if (q[1] !== undefined) count = q[2] ? Number(q[1]) + randomInt(Math.max(1, Number(q[2]) - Number(q[1]) + 1)) : Number(q[1]);
      else count = q[0] === '+' ? 1 + randomInt(8) : q[0] === '*' ? randomInt(8) : randomInt(2);
    }
    for (let k = 0; k < count; k++) out += alphabet[randomInt(alphabet.length)] ?? '';
  }
  return out;
}

function registerStateless(env: Environment, math: string): void {
  // user
  const parseSA = (user: string) => {
    const sa = { Name: '', Namespace: '' };
    const prefix = 'system:serviceaccount:';
    if (user.startsWith(prefix)) {
      const rest = user.slice(prefix.length);
      const sep = rest.indexOf(':');
      if (sep >= 0) {
        sa.Namespace = rest.slice(0, sep);
        sa.Name = rest.slice(sep + 1);
      }
    }
    return sa;
  };
  fn(env, null, 'parseServiceAccount', ['string'], 'map', parseSA);
  const user = namespace(env, 'user', 'kyverno.UserLibrary');
  fn(env, user, 'parseServiceAccount', ['string'], 'map', (_u: unknown, s: string) => parseSA(s));
  // hash
  const hash = namespace(env, 'hash', 'kyverno.HashLibrary');
  for (const alg of ['sha1', 'sha256', 'md5'] as const) {
    const digest = (s: string) => createHash(alg).update(s, 'utf8').digest('hex');
    fn(env, null, alg, ['string'], 'string', digest);
    fn(env, hash, alg, ['string'], 'string', (_h: unknown, s: string) => digest(s));
  }
  // math.round(double, precision)
  fn(env, math, 'round', ['double', 'int'], 'double', (_m: unknown, v: number, p: bigint) => {
    const shift = 10 ** Number(p);
    const x = v * shift;
    return (x < 0 ? -Math.round(-x) : Math.round(x)) / shift;
  });
  // json / yaml
  const json = namespace(env, 'json', 'kyverno.JsonLibrary');
  fn(env, json, 'unmarshal', ['dyn'], 'dyn', (_j: unknown, s: unknown) => {
    try {
      return toCelValue(JSON.parse(str(s, 'json.unmarshal')));
    } catch (e) {
      return fail(`json.unmarshal: ${(e as Error).message}`);
    }
  });
  fn(env, json, 'marshal', ['dyn'], 'string', (_j: unknown, v: unknown) => JSON.stringify(toNative(v)));
  const yaml = namespace(env, 'yaml', 'kyverno.YamlLibrary');
  fn(env, yaml, 'parse', ['string'], 'dyn', (_y: unknown, s: string) => {
    try {
      return toCelValue(parseYaml(s) ?? null);
    } catch (e) {
      return fail(`yaml.parse: ${(e as Error).message.split('\n')[0]}`);
    }
  });
  // random
  const random = namespace(env, 'random', 'kyverno.RandomLibrary');
  fn(env, null, 'random', [], 'string', () => randomFromPattern('[0-9a-z]{8}'));
  fn(env, null, 'random', ['string'], 'string', (p: string) => randomFromPattern(p));
  fn(env, random, 'random', [], 'string', () => randomFromPattern('[0-9a-z]{8}'));
  fn(env, random, 'random', ['string'], 'string', (_r: unknown, p: string) => randomFromPattern(p));
  // x509
  const x509 = namespace(env, 'x509', 'kyverno.X509Library');
  fn(env, x509, 'decode', ['string'], 'dyn', (_x: unknown, pem: string) => decodeCertificate(pem));
  // time (time.now is the real clock, as in Kyverno)
  const time = namespace(env, 'time', 'kyverno.TimeLibrary');
  fn(env, time, 'now', [], 'google.protobuf.Timestamp', () => new Date());
  fn(
    env,
    time,
    'toCron',
    ['google.protobuf.Timestamp'],
    'string',
    (_t: unknown, d: Date) => `${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} ${d.getUTCDay()}`,
  );
  fn(
    env,
    time,
    'truncate',
    ['google.protobuf.Timestamp', 'google.protobuf.Duration'],
    'google.protobuf.Timestamp',
    (_t: unknown, d: Date, dur: unknown) => {
      const ms = Number((durationNanos(dur) ?? 0n) / 1_000_000n);
      return ms <= 0 ? d : new Date(Math.floor(d.getTime() / ms) * ms);
    },
  );
  // transform
  const listObjToMap = (a: unknown[], b: unknown[], key: string, value: string) => {
    if (a.length !== b.length) return fail(`listObjToMap must take lists of equal length. list1: ${a.length}, list2: ${b.length}`);
    const out: Record<string, unknown> = {};
    a.forEach((x, i) => {
      const k = (x as Record<string, unknown>)?.[key];
      if (typeof k !== 'string') fail('the passed key name cannot be handled as a string in the key object list');
      out[k as string] = (b[i] as Record<string, unknown>)?.[value] ?? null;
    });
    return out;
  };
  fn(env, null, 'listObjToMap', ['list', 'list', 'string', 'string'], 'map', listObjToMap);
  const transform = namespace(env, 'transform', 'kyverno.TransformLibrary');
  fn(
    env,
    transform,
    'listObjToMap',
    ['list', 'list', 'string', 'string'],
    'map',
    (_t: unknown, a: unknown[], b: unknown[], k: string, v: string) => listObjToMap(a, b, k, v),
  );
  // gzip
  const gzip = namespace(env, 'gzip', 'kyverno.GzipLibrary');
  fn(
    env,
    gzip,
    'compress',
    ['dyn'],
    'bytes',
    (_g: unknown, s: unknown) => new Uint8Array(gzipSync(Buffer.from(str(s, 'gzip.compress'), 'utf8'))),
  );
  fn(env, gzip, 'decompress', ['bytes'], 'string', (_g: unknown, b: Uint8Array) => {
    try {
      return gunzipSync(b).toString('utf8');
    } catch (e) {
      return fail(`gzip: ${(e as Error).message}`);
    }
  });
}

/** Registers Kyverno's libraries; `math` is the math namespace type libraries.ts registered. */
export function registerKyvernoLibraries(env: Environment, math: string): void {
  registerResource(env);
  registerImage(env);
  registerContextLibs(env);
  registerStateless(env, math);
}
