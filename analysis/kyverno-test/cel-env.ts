// The CEL engine `krate-policy test` compiles Kyverno policies with: the project's CelEngine
// (lib/cel, with its fast path) extended with the Kyverno v1.19 ValidatingPolicy environment.
import { CelEngine } from './cel';
import { fail } from './cel-types';
import { registerKyvernoLibraries } from './kyverno-libs';
import { fn, registerKubernetesLibraries } from './libraries';

/** Variables Kyverno binds beyond the admission ones (object, oldObject, request, namespaceObject, variables). */
export const KYVERNO_VARIABLES = ['exceptions', 'images', 'attestors', 'attestations'] as const;

/** The snapshot an ImageValidatingPolicy evaluation reads getImageData from (set by the engine around each evaluation). */
let currentImages: { image(ref: string): unknown } | undefined;
export function withImages<T>(images: { image(ref: string): unknown }, body: () => T): T {
  const saved = currentImages;
  currentImages = images;
  try {
    return body();
  } finally {
    currentImages = saved;
  }
}

const OFFLINE = 'verifies signatures against the image registry and transparency log, which krate-policy test cannot reach offline';

/** A CelEngine that compiles Kyverno's CEL (one per process: programs are cached by source text). */
export function createKyvernoCelEngine(options: { readonly fastPath?: boolean } = {}): CelEngine {
  return new CelEngine({
    ...options,
    // Its own resource library (kyverno-libs.ts) answers from the suite's Context file.
    resourceLibrary: false,
    extend(env) {
      for (const name of KYVERNO_VARIABLES) env.registerVariable(name, 'dyn');
      registerKubernetesLibraries(env);
      registerKyvernoLibraries(env, 'kubernetes.MathLibrary');
      // ImageValidatingPolicy verification functions: declared so policies compile, an error when called.
      fn(env, null, 'verifyImageSignatures', ['string', 'list'], 'int', () => fail(`verifyImageSignatures ${OFFLINE}`));
      fn(env, null, 'verifyAttestationSignatures', ['string', 'string', 'list'], 'int', () =>
        fail(`verifyAttestationSignatures ${OFFLINE}`),
      );
      fn(env, null, 'extractPayload', ['string', 'string'], 'dyn', () => fail(`extractPayload ${OFFLINE}`));
      // getImageData(ref) reads what image.GetMetadata reads: the test's Context file (see engine.ts).
      fn(env, null, 'getImageData', ['string'], 'dyn', function (this: unknown, ref: string) {
        return (
          currentImages?.image(ref) ??
          fail(`getImageData(${ref}): no image data offline (add it to the test's context file under spec.images)`)
        );
      });
    },
  });
}

const PLAIN_PATH = /^\s*[A-Za-z_][A-Za-z0-9_]*(\s*\.\??\s*[A-Za-z_][A-Za-z0-9_]*)+\s*$/;

/** Index after the string literal starting at i (CEL quotes, raw and triple-quoted forms). */
function skipString(s: string, i: number): number {
  let j = i;
  let raw = false;
  while (/[rRbB]/.test(s[j] ?? '') && j - i < 2) {
    if (s[j] === 'r' || s[j] === 'R') raw = true;
    j++;
  }
  const q = s[j];
  const triple = s.startsWith(q.repeat(3), j);
  const close = triple ? q.repeat(3) : q;
  j += close.length;
  while (j < s.length) {
    if (!raw && s[j] === '\\') j += 2;
    else if (s.startsWith(close, j)) return j + close.length;
    else j++;
  }
  return j;
}

const isStringStart = (s: string, i: number) =>
  s[i] === '"' ||
  s[i] === "'" ||
  (/[rRbB]/.test(s[i]) && !/[A-Za-z0-9_]/.test(s[i - 1] ?? '') && /^[rRbB]{0,1}["']/.test(s.slice(i + 1, i + 3)));

/** Index of the parenthesis closing the one at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (isStringStart(s, i)) {
      i = skipString(s, i) - 1;
      continue;
    }
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') if (--depth === 0) return i;
  }
  return -1;
}

/**
 * cel-go's `has(e.f)` takes any expression `e` (`has(image.GetMetadata(x).manifest.annotations)`);
 * cel-js only a chain of field names. Rewrites the other forms as
 * `cel.bind(v, e, has(v.f))`, which evaluates the same (e once, then the presence test).
 */
export function rewriteHas(expr: string, counter = { n: 0 }): string {
  let out = '';
  for (let i = 0; i < expr.length; i++) {
    if (isStringStart(expr, i)) {
      const end = skipString(expr, i);
      out += expr.slice(i, end);
      i = end - 1;
      continue;
    }
    const m = /^has\s*\(/.exec(expr.slice(i));
    if (!m || /[A-Za-z0-9_.]/.test(expr[i - 1] ?? '')) {
      out += expr[i];
      continue;
    }
    const open = i + m[0].length - 1;
    const close = closing(expr, open);
    if (close < 0) {
      out += expr.slice(i);
      break;
    }
    const arg = rewriteHas(expr.slice(open + 1, close), counter);
    const field = /\.(\??)\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(arg);
    if (PLAIN_PATH.test(arg) || !field) out += `has(${arg})`;
    else {
      const v = `__kyvernoHas${counter.n++}`;
      out += `cel.bind(${v}, ${arg.slice(0, field.index)}, has(${v}.${field[1]}${field[2]}))`;
    }
    i = close;
  }
  return out;
}
