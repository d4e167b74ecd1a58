// The CEL environment Kyverno gives its policies and PolicyExceptions, defined once: the options,
// the Kubernetes extension functions, the admission types and the root variables each kind of
// object declares. `scan` evaluates with it (analysis/cel), config validates exception conditions
// with it (config/exceptions.ts) and synth type-checks every rendered expression with it
// (synth/cel-check.ts).
//
// Sources: Kyverno v1.19.0 pkg/cel/compiler (env.go, keys.go, request.go, namespace.go),
// pkg/cel/policies/vpol/compiler/compiler.go, pkg/image/verification/evaluator/compiler.go and
// Kubernetes k8s.io/apiserver/pkg/admission/plugin/cel/compile.go (BuildRequestType,
// BuildNamespaceType, the ValidatingAdmissionPolicy variables).
import { Environment } from '@marcbachmann/cel-js';

/**
 * The options of Kyverno's environment that cel-js has. Optional types are on (`object.?x.orValue(y)`),
 * and every variable must be declared (an undeclared reference does not compile in Kyverno either).
 * Kyverno also turns on homogeneous aggregate literals, but cel-go lets a `dyn` element sit next to
 * a typed one (`[object.x, 'a']`) where cel-js's check refuses it; cel-js's stricter check would
 * refuse expressions Kyverno accepts, so it stays off here and `[1, 'a']` is not caught.
 */
export const CEL_OPTIONS = { enableOptionalTypes: true, homogeneousAggregateLiterals: false, unlistedVariablesAreDyn: false } as const;

// ---- Kubernetes CEL extension functions the policies use and cel-js does not ship. Each behaves as
// its Kubernetes (cel-go ext / apiserver) counterpart; test/analysis/cel/index.test.ts pins every one.

/** Receiver type for the cel-go `sets` library: `sets.contains(a, b)` is a call on the constant `sets`. */
class SetsLibrary {}

/**
 * A Kubernetes resource quantity (`resource.Quantity` serialization): a signed decimal number and an
 * optional suffix (binary SI Ki..Ei, decimal SI n u m k M G T P E, or a decimal exponent e/E±N).
 */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** True when `s` parses as a Kubernetes quantity, as `isQuantity(string)` in the apiserver. */
export function isQuantity(s: string): boolean {
  return QUANTITY.test(s);
}

// CEL equality between list elements: strings, bools, ints (BigInt) and doubles compare by value.
const celEquals = (a: unknown, b: unknown): boolean => a === b || (typeof a !== 'object' && typeof b !== 'object' && a == b);

/** `sets.contains(list, sublist)`: every element of sublist is in list (cel-go ext.Sets). */
export function setsContains(list: readonly unknown[], sub: readonly unknown[]): boolean {
  return sub.every((x) => list.some((y) => celEquals(x, y)));
}

/** `sets.intersects(a, b)`: at least one element in common (cel-go ext.Sets). */
export function setsIntersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.some((x) => b.some((y) => celEquals(x, y)));
}

/** `sets.equivalent(a, b)`: the same elements, ignoring order and duplicates (cel-go ext.Sets). */
export function setsEquivalent(a: readonly unknown[], b: readonly unknown[]): boolean {
  return setsContains(a, b) && setsContains(b, a);
}

function registerKubernetesExtensions(env: Environment): void {
  env.registerType('kubernetes.SetsLibrary', SetsLibrary);
  env.registerConstant('sets', 'kubernetes.SetsLibrary', new SetsLibrary());
  const listFn = (name: string, fn: (a: readonly unknown[], b: readonly unknown[]) => boolean) =>
    env.registerFunction({
      name,
      receiverType: 'kubernetes.SetsLibrary',
      returnType: 'bool',
      params: [
        { name: 'a', type: 'list' },
        { name: 'b', type: 'list' },
      ],
      handler: (_self: SetsLibrary, a: readonly unknown[], b: readonly unknown[]) => fn(a, b),
    });
  listFn('contains', setsContains);
  listFn('intersects', setsIntersects);
  listFn('equivalent', setsEquivalent);
  env.registerFunction('isQuantity(string): bool', (s: string) => isQuantity(s));
}

// ---- Declarations: what only the admission controller can evaluate (it needs a registry or the
// API server) is declared for type checking and refuses to run offline.

const admissionOnly = (name: string) => (): never => {
  throw new Error(`${name} runs in Kyverno's admission controller only`);
};

/** Kyverno's image verification functions (v1.19 pkg/cel/libs/imageverify), ImageValidatingPolicy only. */
function registerImageVerification(env: Environment): void {
  env.registerFunction('verifyImageSignatures(string, list): int', admissionOnly('verifyImageSignatures'));
  env.registerFunction('verifyAttestationSignatures(string, string, list): int', admissionOnly('verifyAttestationSignatures'));
  env.registerFunction('getImageData(string): dyn', admissionOnly('getImageData'));
  env.registerFunction('extractPayload(string, string): dyn', admissionOnly('extractPayload'));
}

/**
 * Thrown when an expression reads the cluster (Kyverno's resource library) where there is no
 * cluster to read: `scan` reports such a policy as skipped (decided at admission and in Kyverno's
 * background scans), never as a pass or a fail it cannot know.
 */
export class ClusterReadError extends Error {
  constructor(call: string) {
    super(`${call} reads other objects in the cluster: evaluated by Kyverno at admission and in its background scans, not offline`);
    this.name = 'ClusterReadError';
  }
}

/** Receiver types of Kyverno's resource library (`resource.Get(...)`, `resource.ToGVR(...)`). */
class ResourceLibrary {}
class GroupVersionResource {}

/**
 * Kyverno's resource library for cluster-wide policies, as v1.19 declares it (kyverno/kyverno
 * pkg/cel/libs/resource, kyverno/sdk extensions/cel/libs/resource): `Get(apiVersion, resource,
 * namespace, name)` and `List(apiVersion, resource, namespace[, labels])`, also by
 * GroupVersionResource (`ToGVR(apiVersion, kind)`), `Post`, each under its camelCase name too
 * (v1.18+). Results are `map(string, any)`: Get returns null for a missing object, so compare it as
 * `dyn(resource.Get(...)) != null` (a map does not compare with null). Every call runs `read`,
 * which by default throws ClusterReadError: nothing offline can answer it.
 */
export function registerResourceLibrary(
  env: Environment,
  read: (call: string) => unknown = (call) => {
    throw new ClusterReadError(call);
  },
): void {
  const R = 'kyverno.ResourceContext';
  const G = 'kyverno.GroupVersionResource';
  env.registerType(R, ResourceLibrary);
  env.registerType(G, GroupVersionResource);
  env.registerConstant('resource', R, new ResourceLibrary());
  const MAP = 'map<string, dyn>';
  const method = (name: string, params: readonly string[], returnType: string) => {
    for (const spelled of [name, name[0].toLowerCase() + name.slice(1)])
      env.registerFunction({
        name: spelled,
        receiverType: R,
        returnType,
        params: params.map((type, i) => ({ name: `p${i}`, type })),
        handler: () => read(`resource.${spelled}`),
      });
  };
  method('Get', ['string', 'string', 'string', 'string'], MAP);
  method('Get', [G, 'string', 'string'], MAP);
  method('List', ['string', 'string', 'string'], MAP);
  method('List', ['string', 'string', 'string', 'map<string, string>'], MAP);
  method('List', [G, 'string'], MAP);
  method('List', [G, 'string', 'map<string, string>'], MAP);
  method('Post', ['string', 'string', 'string', 'map<string, dyn>'], MAP);
  method('Post', ['string', 'string', 'map<string, dyn>'], MAP);
  method('ToGVR', ['string', 'string'], G);
}

/** Kubernetes' admission types (apiserver BuildRequestType and BuildNamespaceType; Kyverno uses the same). */
function registerAdmissionTypes(env: Environment): void {
  env.registerType('kubernetes.GroupVersionKind', { fields: { group: 'string', version: 'string', kind: 'string' } });
  env.registerType('kubernetes.GroupVersionResource', { fields: { group: 'string', version: 'string', resource: 'string' } });
  env.registerType('kubernetes.UserInfo', {
    fields: { username: 'string', uid: 'string', groups: 'list<string>', extra: 'map<string, list<string>>' },
  });
  env.registerType('kubernetes.AdmissionRequest', {
    fields: {
      kind: 'kubernetes.GroupVersionKind',
      resource: 'kubernetes.GroupVersionResource',
      subResource: 'string',
      requestKind: 'kubernetes.GroupVersionKind',
      requestResource: 'kubernetes.GroupVersionResource',
      requestSubResource: 'string',
      name: 'string',
      namespace: 'string',
      operation: 'string',
      userInfo: 'kubernetes.UserInfo',
      dryRun: 'bool',
      options: 'dyn',
      // Kyverno's request type adds these two (Kubernetes exposes them as root variables only).
      object: 'dyn',
      oldObject: 'dyn',
    },
  });
  env.registerType('kubernetes.NamespaceMetadata', {
    fields: {
      name: 'string',
      generateName: 'string',
      namespace: 'string',
      labels: 'map<string, string>',
      annotations: 'map<string, string>',
      UID: 'string',
      creationTimestamp: 'google.protobuf.Timestamp',
      deletionGracePeriodSeconds: 'int',
      deletionTimestamp: 'google.protobuf.Timestamp',
      generation: 'int',
      resourceVersion: 'string',
      finalizers: 'list<string>',
    },
  });
  env.registerType('kubernetes.NamespaceCondition', {
    fields: { status: 'string', type: 'string', lastTransitionTime: 'google.protobuf.Timestamp', message: 'string', reason: 'string' },
  });
  env.registerType('kubernetes.NamespaceSpec', { fields: { finalizers: 'list<string>' } });
  env.registerType('kubernetes.NamespaceStatus', { fields: { conditions: 'list<kubernetes.NamespaceCondition>', phase: 'string' } });
  env.registerType('kubernetes.Namespace', {
    fields: { metadata: 'kubernetes.NamespaceMetadata', spec: 'kubernetes.NamespaceSpec', status: 'kubernetes.NamespaceStatus' },
  });
  // Kyverno's `exceptions` variable (libs.Exception): what the PolicyExceptions that matched allow.
  env.registerType('kyverno.Exception', { fields: { allowedImages: 'list<string>', allowedValues: 'list<string>' } });
}

/** Kubernetes' authorizer library (apiserver pkg/cel/library/authz.go), ValidatingAdmissionPolicy only. */
function registerAuthorizer(env: Environment): void {
  const t = (name: string) => `kubernetes.authorization.${name}`;
  for (const name of ['PathCheck', 'GroupCheck', 'ResourceCheck', 'Decision']) env.registerType(t(name), class {});
  env.registerType(t('Authorizer'), { ctor: class {}, fields: { requestResource: t('ResourceCheck') } });
  const method = (receiver: string, name: string, params: readonly string[], returnType: string) =>
    env.registerFunction({
      name,
      receiverType: t(receiver),
      returnType: returnType.includes('.') || ['bool', 'string'].includes(returnType) ? returnType : t(returnType),
      params: params.map((type, i) => ({ name: `p${i}`, type })),
      handler: admissionOnly(`authorizer ${name}()`),
    });
  method('Authorizer', 'path', ['string'], 'PathCheck');
  method('Authorizer', 'group', ['string'], 'GroupCheck');
  method('Authorizer', 'serviceAccount', ['string', 'string'], 'Authorizer');
  method('PathCheck', 'check', ['string'], 'Decision');
  method('GroupCheck', 'resource', ['string'], 'ResourceCheck');
  for (const name of ['subresource', 'namespace', 'name', 'fieldSelector', 'labelSelector'])
    method('ResourceCheck', name, ['string'], 'ResourceCheck');
  method('ResourceCheck', 'check', ['string'], 'Decision');
  method('Decision', 'allowed', [], 'bool');
  method('Decision', 'errored', [], 'bool');
  method('Decision', 'reason', [], 'string');
  method('Decision', 'error', [], 'string');
}

/** Where a CEL expression is compiled: each declares its own root variables. */
export type CelScope =
  | 'ValidatingPolicy'
  | 'ImageValidatingPolicy'
  | 'MatchImageReference'
  | 'PolicyException'
  | 'ValidatingAdmissionPolicy'
  | 'CustomResourceRule';

const REQUEST = 'kubernetes.AdmissionRequest';
const NAMESPACE = 'kubernetes.Namespace';
/**
 * The root variables every admission scope has. Kyverno v1.19 compiles a PolicyException's
 * conditions in the environment of each policy it names (synth/cel-check.ts does too); without the
 * policy at hand (config), its conditions may read only these.
 */
const ADMISSION = { object: 'dyn', oldObject: 'dyn', request: REQUEST, namespaceObject: NAMESPACE } as const;

/**
 * Root variables as Kyverno v1.19 and Kubernetes declare them, besides `variables` (typed per
 * policy) and ValidatingAdmissionPolicy's `params` (declared only with a paramKind). There is no
 * `params` or `authorizer` in a Kyverno policy: an expression using them does not compile there.
 */
export const CEL_DECLARATIONS: Readonly<Record<CelScope, Readonly<Record<string, string>>>> = {
  ValidatingPolicy: { ...ADMISSION, exceptions: 'kyverno.Exception' },
  ImageValidatingPolicy: {
    ...ADMISSION,
    images: 'map<string, list<string>>',
    attestors: 'map<string, dyn>',
    attestations: 'map<string, string>',
  },
  // An ImageValidatingPolicy's matchImageReferences[].expression: the image reference alone.
  MatchImageReference: { ref: 'string' },
  PolicyException: ADMISSION,
  ValidatingAdmissionPolicy: { ...ADMISSION, authorizer: 'kubernetes.authorization.Authorizer' },
  // A CRD's x-kubernetes-validations rule: the value at its schema node, and the old one in a
  // transition rule (apiextensions-apiserver; typed from the schema there, dyn here).
  CustomResourceRule: { self: 'dyn', oldSelf: 'dyn' },
};

/** Scopes whose expressions may read `variables.<name>` (a PolicyException's conditions read the policy's). */
const HAS_VARIABLES: ReadonlySet<CelScope> = new Set(['ValidatingPolicy', 'ImageValidatingPolicy', 'ValidatingAdmissionPolicy']);

function newEnvironment(): Environment {
  const env = new Environment(CEL_OPTIONS);
  registerKubernetesExtensions(env);
  return env;
}

/** Options of one typed environment. */
export interface CelEnvironmentOptions {
  /** `variables.<name>` and its CEL type, for the variables declared so far (in order). @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /** Declare `params` (dyn): a ValidatingAdmissionPolicy with a paramKind. @default false */
  readonly params?: boolean;
}

/**
 * Environments whose `x.orValue(y)` returns dyn: Kyverno v1.19 compiles ValidatingPolicies (and the
 * PolicyExceptions naming them) with a macro that rewrites orValue to `__orValueCompat__(x, y): dyn`
 * (pkg/cel/compiler/env.go, OrValueCompatEnvOptions).
 */
const orValueIsDyn = new WeakSet<Environment>();
const ORVALUE_COMPAT: ReadonlySet<CelScope> = new Set(['ValidatingPolicy', 'PolicyException']);

/**
 * Built environments by scope, params and variable types: the same template rendered for several
 * environments shares one (a handful per synth), and so do the memoized checks (celTypeOf).
 */
const built = new Map<string, Environment>();

function baseEnvironment(scope: CelScope, params: boolean): Environment {
  const env = newEnvironment();
  if (scope !== 'MatchImageReference' && scope !== 'CustomResourceRule') registerAdmissionTypes(env);
  if (scope === 'ImageValidatingPolicy') registerImageVerification(env);
  if (scope === 'ValidatingPolicy') registerResourceLibrary(env);
  if (scope === 'ValidatingAdmissionPolicy') registerAuthorizer(env);
  for (const [name, type] of Object.entries(CEL_DECLARATIONS[scope])) env.registerVariable(name, type);
  if (params) env.registerVariable('params', 'dyn');
  if (ORVALUE_COMPAT.has(scope)) orValueIsDyn.add(env);
  return env;
}

/**
 * The typed environment Kyverno (or Kubernetes, for a ValidatingAdmissionPolicy) compiles one
 * scope's expressions in. `variables` has exactly the fields given, so an expression can read only
 * the variables declared before it, with the types their expressions have.
 */
export function celEnvironment(scope: CelScope, options: CelEnvironmentOptions = {}): Environment {
  const params = options.params ?? false;
  const baseKey = JSON.stringify([scope, params]);
  let base = built.get(baseKey);
  if (!base) built.set(baseKey, (base = baseEnvironment(scope, params)));
  if (!HAS_VARIABLES.has(scope)) return base;
  const key = JSON.stringify([scope, params, options.variables ?? {}]);
  let env = built.get(key);
  if (!env) {
    env = base.clone();
    env.registerType('kyverno.Variables', { fields: { ...options.variables } });
    env.registerVariable('variables', 'kyverno.Variables');
    if (orValueIsDyn.has(base)) orValueIsDyn.add(env);
    built.set(key, env);
  }
  return env;
}

/** The variables `scan` binds when it evaluates admission CEL offline; all dynamic, as plain data. */
const CEL_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'] as const;
export type CelContext = Partial<Record<(typeof CEL_VARIABLES)[number], unknown>>;

/**
 * The environment `scan` evaluates in: the same options and functions, every root variable `dyn`
 * (it binds parsed manifests, not typed objects). Type checking uses celEnvironment.
 */
export function celEvaluationEnvironment(): Environment {
  const env = newEnvironment();
  for (const name of CEL_VARIABLES) env.registerVariable(name, 'dyn');
  return env;
}

const checked = new WeakMap<Environment, Map<string, { readonly type: string } | { readonly error: string }>>();

/** The CEL type an expression returns in `env`, or why it does not compile. */
export function celTypeOf(env: Environment, expression: string): { readonly type: string } | { readonly error: string } {
  let memo = checked.get(env);
  if (!memo) checked.set(env, (memo = new Map()));
  let got = memo.get(expression);
  if (!got) memo.set(expression, (got = typeOf(env, expression)));
  return got;
}

function typeOf(env: Environment, expression: string): { readonly type: string } | { readonly error: string } {
  try {
    const parsed = env.parse(expression);
    const result = parsed.check();
    if (!result.valid) return { error: (result.error?.message ?? 'type check failed').split('\n')[0] };
    const root = parsed.ast;
    if (orValueIsDyn.has(env) && root.op === 'rcall' && root.args[0] === 'orValue') return { type: 'dyn' };
    return { type: result.type ?? 'dyn' };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

/** Why Kyverno would refuse an expression: it does not compile, or its result has the wrong type. */
export type CelProblem = { readonly kind: 'compile' | 'type'; readonly message: string };

/**
 * Why `expression` would be refused where Kyverno expects one of `types`, or undefined when it is
 * accepted. The type must match exactly, as cel-go's IsExactType (Kyverno) and Kubernetes' type
 * comparison do: a `dyn` result is refused unless `dyn` is listed. `'any'` accepts every type
 * (variables).
 */
export function celResultProblem(env: Environment, expression: string, types: readonly string[] | 'any'): CelProblem | undefined {
  const got = celTypeOf(env, expression);
  if ('error' in got) return { kind: 'compile', message: got.error };
  if (types === 'any' || types.includes(got.type)) return undefined;
  const want = types.length === 1 ? types[0] : `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
  return { kind: 'type', message: `returns ${got.type}, must return ${want}` };
}

/** celResultProblem that throws: an Error whose message is the compiler's reason or the type mismatch. */
export function assertCelResult(env: Environment, expression: string, types: readonly string[] | 'any'): void {
  const problem = celResultProblem(env, expression, types);
  if (problem) throw new Error(problem.message);
}
