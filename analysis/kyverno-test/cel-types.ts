// Value types of the Kubernetes and Kyverno CEL libraries that cel-js does not have: resource
// quantities, semantic versions, IP addresses and CIDRs, URLs, container image references and
// RE2 regular expressions. Each follows its Go counterpart (apimachinery resource.Quantity,
// blang/semver, net/netip, net/url, go-containerregistry name, RE2) closely enough that a policy
// evaluates the same; test/analysis/kyverno-test/libraries.test.ts pins the behaviour.

/** A CEL evaluation error raised by a library function (cel-js reports it as the expression's error). */
export class CelLibraryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}
export const fail = (message: string): never => {
  throw new CelLibraryError(message);
};

const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;
export const checkInt = (v: bigint): bigint => (v > MAX_INT || v < MIN_INT ? fail('integer overflow') : v);

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

// ---------------------------------------------------------------------------------------------
// Quantity (k8s.io/apimachinery/pkg/api/resource), held exactly as a fraction.

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export class Quantity {
  /** value = num / den, den > 0, reduced. */
  constructor(
    readonly num: bigint,
    readonly den: bigint,
    readonly text: string,
  ) {}

  static parse(s: string): Quantity {
    const m = QUANTITY.exec(s);
    if (!m) return fail(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    const [, sign, digits, suffix = ''] = m;
    const [whole, frac = ''] = digits.split('.');
    let num = BigInt((whole || '0') + frac) * (sign === '-' ? -1n : 1n);
    let den = 10n ** BigInt(frac.length);
    if (suffix in BINARY) num *= 2n ** BigInt(BINARY[suffix]);
    else {
      const exp = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
      if (Math.abs(exp) > 1000) return fail('quantity exponent out of range');
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
    }
    return Quantity.of(num, den, s);
  }

  static of(num: bigint, den: bigint, text?: string): Quantity {
    const g = gcd(num, den) || 1n;
    const n = num / g;
    const d = den / g;
    return new Quantity(n, d, text ?? (d === 1n ? `${n}` : `${Number(n) / Number(d)}`));
  }

  compare(o: Quantity): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  add(o: Quantity): Quantity {
    return Quantity.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Quantity): Quantity {
    return Quantity.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  isInteger(): boolean {
    return this.den === 1n && this.num <= MAX_INT && this.num >= MIN_INT;
  }

  asInteger(): bigint {
    return this.isInteger() ? this.num : fail('cannot convert value to integer');
  }

  asApproximateFloat(): number {
    return Number(this.num) / Number(this.den);
  }

  sign(): bigint {
    return this.num > 0n ? 1n : this.num < 0n ? -1n : 0n;
  }

  toString(): string {
    return this.text;
  }
}

// ---------------------------------------------------------------------------------------------
// Semver (blang/semver v4 as k8s.io/apiserver/pkg/cel/library/semverlib.go uses it).

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const SEMVER = new RegExp(`^(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`);

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly string[],
    readonly build: string,
  ) {}

  /** Strict parsing; `normalize` accepts a leading `v`, missing minor/patch and leading zeros, as semver(s, true) does. */
  static parse(input: string, normalize = false): Semver {
    let s = input;
    if (normalize) {
      s = s.replace(/^v/, '');
      const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(s);
      if (m) s = `${BigInt(m[1])}.${BigInt(m[2] ?? '0')}.${BigInt(m[3] ?? '0')}${m[4]}`;
    }
    const m = SEMVER.exec(s);
    if (!m) return fail(`error converting string to semver: invalid semver '${input}'`);
    return new Semver(BigInt(m[1]), BigInt(m[2]), BigInt(m[3]), m[4] ? m[4].split('.') : [], m[5] ?? '');
  }

  static is(s: string, normalize = false): boolean {
    try {
      Semver.parse(s, normalize);
      return true;
    } catch {
      return false;
    }
  }

  compare(o: Semver): number {
    for (const k of ['major', 'minor', 'patch'] as const) if (this[k] !== o[k]) return this[k] < o[k] ? -1 : 1;
    if (this.pre.length === 0 || o.pre.length === 0) return this.pre.length === o.pre.length ? 0 : this.pre.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.min(this.pre.length, o.pre.length); i++) {
      const a = this.pre[i];
      const b = o.pre[i];
      if (a === b) continue;
      const an = /^\d+$/.test(a);
      const bn = /^\d+$/.test(b);
      if (an && bn) return BigInt(a) < BigInt(b) ? -1 : 1;
      if (an !== bn) return an ? -1 : 1;
      return a < b ? -1 : 1;
    }
    return this.pre.length === o.pre.length ? 0 : this.pre.length < o.pre.length ? -1 : 1;
  }

  toString(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.pre.length ? `-${this.pre.join('.')}` : ''}${this.build ? `+${this.build}` : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------
// IP addresses and CIDRs (net/netip, as k8s.io/apiserver/pkg/cel/library/ip.go and cidr.go use it).

export class IPAddr {
  /** 4 or 16 bytes. */
  constructor(readonly bytes: Uint8Array) {}

  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }

  static parse(s: string): IPAddr | undefined {
    if (s.includes('%')) return undefined; // zones are not allowed
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
      const parts = s.split('.');
      if (parts.some((p) => (p.length > 1 && p.startsWith('0')) || Number(p) > 255)) return undefined;
      return new IPAddr(Uint8Array.from(parts.map(Number)));
    }
    if (!s.includes(':')) return undefined;
    let text = s;
    let tail: number[] = [];
    const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
    if (v4) {
      const four = IPAddr.parse(v4[2]);
      if (!four) return undefined;
      tail = [(four.bytes[0] << 8) | four.bytes[1], (four.bytes[2] << 8) | four.bytes[3]];
      text = v4[1].endsWith('::') ? v4[1] : v4[1].slice(0, -1);
    }
    const halves = text.split('::');
    if (halves.length > 2) return undefined;
    const group = (g: string) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : NaN);
    const head = halves[0] === '' ? [] : halves[0].split(':').map(group);
    const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':').map(group)) : [];
    const total = head.length + rest.length + tail.length;
    if ([...head, ...rest].some(Number.isNaN)) return undefined;
    if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
    const groups = [...head, ...new Array(8 - total).fill(0), ...rest, ...tail];
    const bytes = new Uint8Array(16);
    groups.forEach((g, i) => {
      bytes[2 * i] = g >> 8;
      bytes[2 * i + 1] = g & 0xff;
    });
    return new IPAddr(bytes);
  }

  isIPv4Mapped(): boolean {
    return this.family === 6 && this.bytes.slice(0, 10).every((b) => b === 0) && this.bytes[10] === 0xff && this.bytes[11] === 0xff;
  }

  isUnspecified(): boolean {
    return this.bytes.every((b) => b === 0);
  }

  isLoopback(): boolean {
    return this.family === 4 ? this.bytes[0] === 127 : this.bytes.slice(0, 15).every((b) => b === 0) && this.bytes[15] === 1;
  }

  isMulticast(): boolean {
    return this.family === 4 ? (this.bytes[0] & 0xf0) === 0xe0 : this.bytes[0] === 0xff;
  }

  isLinkLocalMulticast(): boolean {
    return this.family === 4
      ? this.bytes[0] === 224 && this.bytes[1] === 0 && this.bytes[2] === 0
      : this.bytes[0] === 0xff && (this.bytes[1] & 0x0f) === 0x02;
  }

  isLinkLocalUnicast(): boolean {
    return this.family === 4 ? this.bytes[0] === 169 && this.bytes[1] === 254 : this.bytes[0] === 0xfe && (this.bytes[1] & 0xc0) === 0x80;
  }

  isGlobalUnicast(): boolean {
    if (this.family === 4 && this.bytes.every((b) => b === 255)) return false;
    return !this.isUnspecified() && !this.isLoopback() && !this.isMulticast() && !this.isLinkLocalUnicast();
  }

  toString(): string {
    if (this.family === 4) return Array.from(this.bytes).join('.');
    const groups: number[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((this.bytes[i] << 8) | this.bytes[i + 1]);
    if (this.isIPv4Mapped()) return `::ffff:${Array.from(this.bytes.slice(12)).join('.')}`;
    // RFC 5952: the longest run (>= 2) of zero groups becomes '::'.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (best < 0) return hex.join(':');
    return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  }
}

export class CIDR {
  constructor(
    readonly addr: IPAddr,
    readonly bits: number,
  ) {}

  static parse(s: string): CIDR | undefined {
    const slash = s.lastIndexOf('/');
    if (slash < 0) return undefined;
    const addr = IPAddr.parse(s.slice(0, slash));
    const bitsText = s.slice(slash + 1);
    if (!addr || !/^(0|[1-9]\d*)$/.test(bitsText)) return undefined;
    const bits = Number(bitsText);
    if (bits > addr.bytes.length * 8) return undefined;
    return new CIDR(addr, bits);
  }

  masked(): CIDR {
    const bytes = Uint8Array.from(this.addr.bytes);
    for (let i = 0; i < bytes.length; i++) {
      const keep = Math.max(0, Math.min(8, this.bits - i * 8));
      bytes[i] &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    }
    return new CIDR(new IPAddr(bytes), this.bits);
  }

  containsIP(ip: IPAddr): boolean {
    if (ip.family !== this.addr.family) return false;
    const a = this.masked().addr.bytes;
    const b = new CIDR(ip, this.bits).masked().addr.bytes;
    return a.every((x, i) => x === b[i]);
  }

  containsCIDR(o: CIDR): boolean {
    return o.addr.family === this.addr.family && o.bits >= this.bits && this.containsIP(o.addr);
  }

  toString(): string {
    return `${this.addr}/${this.bits}`;
  }
}

// ---------------------------------------------------------------------------------------------
// URL (net/url as k8s.io/apiserver/pkg/cel/library/urls.go uses it: url.ParseRequestURI).

export class CelURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly rawQuery: string,
  ) {}

  /** An absolute URI or an absolute path (url.ParseRequestURI); undefined otherwise. */
  static parse(s: string): CelURL | undefined {
    // eslint-disable-next-line no-control-regex -- Go refuses control characters in a URL
    if (/[\x00-\x1f\x7f]/.test(s)) return undefined;
    const noFragment = s; // ParseRequestURI keeps '#' in the path or query as is
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(noFragment);
    let scheme = '';
    let rest = noFragment;
    if (m) {
      scheme = m[1].toLowerCase();
      rest = m[2];
    } else if (!noFragment.startsWith('/')) {
      return undefined;
    }
    const q = rest.indexOf('?');
    const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
    rest = q >= 0 ? rest.slice(0, q) : rest;
    let host = '';
    if (rest.startsWith('//')) {
      const end = rest.indexOf('/', 2);
      const authority = end >= 0 ? rest.slice(2, end) : rest.slice(2);
      rest = end >= 0 ? rest.slice(end) : '';
      host = authority.slice(authority.lastIndexOf('@') + 1);
      if (host.startsWith('[') ? !/^\[[0-9a-fA-F:.]+(%[^\]]*)?\](:\d*)?$/.test(host) : !/^[^:[\]]*(:\d*)?$/.test(host)) return undefined;
    } else if (scheme && !rest.startsWith('/')) {
      return undefined; // opaque URIs (mailto:x) are not request URIs
    }
    try {
      decodeURIComponent(rest);
    } catch {
      return undefined;
    }
    return new CelURL(scheme, host, rest, rawQuery);
  }

  hostname(): string {
    if (this.host.startsWith('[')) return this.host.slice(1, this.host.indexOf(']'));
    const colon = this.host.lastIndexOf(':');
    return colon >= 0 ? this.host.slice(0, colon) : this.host;
  }

  port(): string {
    const close = this.host.lastIndexOf(']');
    const colon = this.host.lastIndexOf(':');
    return colon > close ? this.host.slice(colon + 1) : '';
  }

  escapedPath(): string {
    // Go returns the original escaping when it is valid; otherwise Path re-escaped.
    return this.path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g, (c) => encodeURIComponent(c));
  }

  query(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (this.rawQuery === '') return out;
    for (const part of this.rawQuery.split('&')) {
      if (part === '' || part.includes(';')) continue;
      const eq = part.indexOf('=');
      const decode = (x: string) => {
        try {
          return decodeURIComponent(x.replace(/\+/g, ' '));
        } catch {
          return undefined;
        }
      };
      const k = decode(eq >= 0 ? part.slice(0, eq) : part);
      const v = decode(eq >= 0 ? part.slice(eq + 1) : '');
      if (k === undefined || v === undefined) continue;
      (out[k] ??= []).push(v);
    }
    return out;
  }

  toString(): string {
    return `${this.scheme ? `${this.scheme}:` : ''}${this.host ? `//${this.host}` : ''}${this.path}${this.rawQuery ? `?${this.rawQuery}` : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Container image references (github.com/google/go-containerregistry/pkg/name, default options).

const DEFAULT_REGISTRY = 'index.docker.io';
const REPO_CHARS = /^[a-z0-9_.\-/]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export class ImageRef {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly tag: string,
    readonly digest: string,
    readonly original: string,
  ) {}

  /** name.ParseReference: a tag or a digest reference; throws with go-containerregistry's reason. */
  static parse(s: string): ImageRef {
    let rest = s;
    let digest = '';
    const at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.slice(at + 1);
      rest = rest.slice(0, at);
      const [alg, hex] = digest.split(':');
      if (
        !hex ||
        !/^sha256$|^sha512$|^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(alg) ||
        !/^[a-f0-9]+$/.test(hex) ||
        (alg === 'sha256' && hex.length !== 64) ||
        (alg === 'sha512' && hex.length !== 128)
      ) {
        return fail(`could not parse reference: ${s}`);
      }
    }
    let tag = '';
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
      if (!TAG.test(tag)) return fail(`could not parse reference: ${s}`);
    }
    let registry = DEFAULT_REGISTRY;
    let repository = rest;
    const slash = rest.indexOf('/');
    if (slash >= 0) {
      const first = rest.slice(0, slash);
      if (first.includes('.') || first.includes(':') || first === 'localhost') {
        registry = first === 'docker.io' ? DEFAULT_REGISTRY : first;
        repository = rest.slice(slash + 1);
      }
    }
    if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
    if (repository === '' || repository.length > 255 || !REPO_CHARS.test(repository) || repository.split('/').some((c) => c === '')) {
      return fail(`could not parse reference: ${s}`);
    }
    if (!digest && !tag) tag = 'latest';
    // A digest reference keeps no tag (name.Digest has none), as go-containerregistry parses it.
    return new ImageRef(registry, repository, digest ? '' : tag, digest, s);
  }

  identifier(): string {
    return this.digest || this.tag;
  }

  toString(): string {
    return this.original;
  }
}

// ---------------------------------------------------------------------------------------------
// RE2 → JavaScript regular expressions.

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
};
const regexCache = new Map<string, RegExp>();

/**
 * Compiles an RE2 pattern (the syntax CEL and Go use) as a JavaScript RegExp: leading flag groups
 * `(?i)`/`(?s)`/`(?m)`, `(?P<name>…)`, `\A`, `\z`, `[[:alpha:]]` classes are translated. `global`
 * adds the g flag (for find-all and replace).
 */
export function re2(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}\0${pattern}`;
  const cached = regexCache.get(key);
  if (cached) return cached;
  let source = pattern;
  let flags = global ? 'gu' : 'u';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    source = source.slice(lead[0].length);
    for (const f of lead[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => (POSIX_CLASSES[name] && !neg ? POSIX_CLASSES[name] : m));
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch {
    try {
      re = new RegExp(source, flags.replace('u', ''));
    } catch (e) {
      return fail(`invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
  }
  regexCache.set(key, re);
  return re;
}

/** Converts RE2/Go replacement syntax (`$1`, `${name}`, `\1`) to JavaScript's. */
export function re2Replacement(replacement: string): string {
  return replacement.replace(/\\(\d)/g, '$$$1').replace(/\$\{(\w+)\}/g, (_m, n: string) => (/^\d+$/.test(n) ? `$${n}` : `$<${n}>`));
}

/** Glob matching as github.com/gobwas/glob with no separators (`*` spans `/`), used by matchImageReferences. */
export function globToRegExp(glob: string): RegExp {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^');
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((a) =>
            a
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.'),
          )
          .join('|')})`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${out}$`, 's');
}
