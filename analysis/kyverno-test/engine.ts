// Kyverno's evaluation of CEL policies against one admission request, as `kyverno test` runs it
// (pkg/cel/policies/vpol/engine, vpol/compiler/policy.go, pkg/cel/matching, ivpol/engine and
// the CLI's policy processor): autogen variants for pod controllers, matchConstraints with
// namespace/object selectors and exclusions, PolicyExceptions before matchConditions, lazy
// variables, the first failing validation, messageExpression, auditAnnotations, failurePolicy.
// CEL is compiled by the project's CelEngine (lib/cel, fast path included) extended with Kyverno's
// libraries (cel-env.ts).
import { arr, isObject as isMap, obj, type JsonObject } from '../../lib/json';
import type { Manifest } from '../../lib/manifests';
import { toCelValue, type CelEngine, type CelProgram } from './cel';
import { rewriteHas, withImages } from './cel-env';
import { globToRegExp } from './cel-types';
import { GlobalContext, HttpContext, ImageDataContext, ResourceContext, type ClusterSnapshot } from './context';
import { groupOf, versionOf, type KindResolver } from '../../lib/kinds';
import { checkSelector, selectorMatches, type LabelSelector } from '../../lib/label-selector';
import { IMAGE_KINDS, type Operation, type SourcedDoc } from './suite';

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error';

/** One rule result of a policy response (vpol rules are unnamed; exceptions name theirs `exception`). */
export interface RuleResponse {
  readonly name: string;
  readonly status: RuleStatus;
  readonly message: string;
}

/** What the Kyverno CLI records for one policy (variant) on one resource. */
export interface PolicyResponse {
  readonly policy: string;
  readonly kind: string;
  /** '' for the policy as written, `autogen` / `autogen-cronjob` for its pod-controller variants. */
  readonly variant: string;
  /** Empty: the resource is not matched and the CLI counts it as excluded. */
  readonly rules: readonly RuleResponse[];
}

/** A CEL activation: variable name → CEL value (ints are BigInt, the context libraries class instances). */
type Activation = Record<string, unknown>;

/** The entries of a spec list, each a mapping (checkShape refuses any other); none when it is not a list. */
const mappings = (v: unknown): JsonObject[] => (arr(v) ?? []).map((x) => obj(x) ?? {});

interface Rule {
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly resources?: readonly string[];
  readonly operations?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly scope?: string;
}

interface MatchResources {
  readonly resourceRules?: readonly Rule[];
  readonly excludeResourceRules?: readonly Rule[];
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
}

interface Condition {
  readonly name: string;
  readonly program: CelProgram;
  /** The expression reads only the request (see PURE), so its value is shared by every policy evaluated on it. */
  readonly pure?: boolean;
}

/**
 * Identifiers whose value is not a function of the request alone: variables, exceptions and
 * image bindings differ per policy, context libraries per policy namespace, random and time per
 * call. An expression naming none of them (anywhere, even in a string: a false match only costs
 * the sharing) reads only object, oldObject, request and namespaceObject.
 */
const IMPURE =
  /(?<![.\w$])(?:variables|exceptions|resource|image|images|globalContext|http|attestors|attestations|random|time|now)(?![\w$])/;

/** Values of request-only expressions on one request (errors too), shared by every policy. */
type Memo = Map<CelProgram, { readonly value: unknown } | { readonly error: unknown }>;

/** Evaluates a condition or variable, once per request when it is pure. */
function run(c: Condition, ctx: Activation, memo: Memo | undefined): unknown {
  if (!c.pure || !memo) return c.program(ctx);
  let hit = memo.get(c.program);
  if (!hit) {
    try {
      hit = { value: c.program(ctx) };
    } catch (error) {
      hit = { error };
    }
    memo.set(c.program, hit);
  }
  if ('error' in hit) throw hit.error;
  return hit.value;
}

interface CompiledException {
  /** `namespace/name`, as Kyverno's messages key exceptions. */
  readonly key: string;
  readonly priority: number;
  readonly reportResult: string;
  readonly partial: boolean;
  readonly images: readonly string[];
  readonly allowedValues: readonly string[];
  readonly conditions: readonly Condition[];
}

interface Variant {
  readonly name: string;
  readonly match: MatchResources | undefined;
  /** The CLI drops a response without rules when the constraints are this simple (processor hasSelector). */
  readonly dropWhenUnmatched: boolean;
  readonly matchConditions: readonly Condition[];
  readonly variables: readonly Condition[];
  readonly validations: ReadonlyArray<{ readonly program: CelProgram; readonly message: string; readonly messageProgram?: CelProgram }>;
  readonly auditAnnotations: ReadonlyArray<{ readonly key: string; readonly program: CelProgram }>;
  readonly exceptions: readonly CompiledException[];
  // ImageValidatingPolicy only.
  readonly imageExtractors?: ReadonlyArray<{ readonly name: string; readonly program: CelProgram }>;
  readonly imageReferences?: ReadonlyArray<(ref: string) => boolean>;
}

export interface CompiledPolicy {
  readonly name: string;
  readonly kind: string;
  readonly namespace: string;
  readonly image: boolean;
  readonly failurePolicyIgnore: boolean;
  readonly verifyDigest: boolean;
  readonly required: boolean;
  readonly attestors: unknown;
  readonly attestations: unknown;
  readonly variants: readonly Variant[];
}

/** A policy that cannot be compiled: its expected results fail with this message. */
export interface PolicyError {
  readonly name: string;
  readonly kind: string;
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// Autogen (pkg/cel/autogen): pod policies also apply to pod controllers.

const CONTROLLERS: Readonly<
  Record<string, { readonly group: string; readonly resource: string; readonly config: 'defaults' | 'cronjobs' }>
> = {
  daemonsets: { group: 'apps', resource: 'daemonsets', config: 'defaults' },
  deployments: { group: 'apps', resource: 'deployments', config: 'defaults' },
  replicasets: { group: 'apps', resource: 'replicasets', config: 'defaults' },
  statefulsets: { group: 'apps', resource: 'statefulsets', config: 'defaults' },
  jobs: { group: 'batch', resource: 'jobs', config: 'defaults' },
  cronjobs: { group: 'batch', resource: 'cronjobs', config: 'cronjobs' },
};

const REPLACEMENTS: Readonly<Record<'defaults' | 'cronjobs', ReadonlyArray<readonly [string, string]>>> = {
  defaults: [
    ['spec', 'spec.template.spec'],
    ['metadata', 'spec.template.metadata'],
  ],
  cronjobs: [
    ['spec', 'spec.jobTemplate.spec.template.spec'],
    ['metadata', 'spec.jobTemplate.spec.template.metadata'],
  ],
};

const nonEmptySelector = (s: LabelSelector | undefined) =>
  !!s && (Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0);

/** autogen.CanAutoGen: exactly one rule, for core v1 pods, no names, no object selector, no exclusions. */
export function canAutogen(mc: MatchResources | undefined): boolean {
  if (!mc || nonEmptySelector(mc.objectSelector) || (mc.excludeResourceRules ?? []).length > 0) return false;
  const rules = mc.resourceRules ?? [];
  if (rules.length !== 1) return false;
  const r = rules[0];
  return (
    !(r.resourceNames ?? []).length &&
    r.apiGroups?.length === 1 &&
    r.apiGroups[0] === '' &&
    r.apiVersions?.length === 1 &&
    r.apiVersions[0] === 'v1' &&
    r.resources?.length === 1 &&
    r.resources[0] === 'pods'
  );
}

/**
 * Kyverno's rewrite (autogen.Replacement.Apply on the spec's JSON): every `object.spec`,
 * `object.metadata`, `oldObject.spec` and `oldObject.metadata` moves into the pod template,
 * except `metadata.namespace`, which stays the workload's. Plain text replacement, as Kyverno does.
 */
export function autogenRewrite(text: string, config: 'defaults' | 'cronjobs'): string {
  let out = text;
  for (const [from, to] of REPLACEMENTS[config]) {
    for (const root of ['object.', 'oldObject.']) {
      const f = root + from;
      let result = '';
      let i = 0;
      for (let at = out.indexOf(f); at >= 0; at = out.indexOf(f, i)) {
        const rest = out.slice(at + f.length);
        const protectedSuffix = /^\.namespace(?![A-Za-z0-9_])/.test(rest);
        result += out.slice(i, at) + (protectedSuffix ? f : root + to);
        i = at + f.length;
      }
      out = result + out.slice(i);
    }
  }
  return out;
}

/** The autogen variants of a pod policy spec: `autogen-cronjob` (cronjobs) and `autogen` (the others), as Kyverno orders them. */
export function autogenSpecs(spec: JsonObject): Array<{ readonly variant: string; readonly spec: JsonObject }> {
  const mc = spec.matchConstraints as MatchResources | undefined;
  if (!canAutogen(mc)) return [];
  const listed = obj(obj(spec.autogen)?.podControllers)?.controllers;
  // Looked up by String(name): the key indexing uses for a value of any type.
  const controllers = Array.isArray(listed) ? listed.map(String) : Object.keys(CONTROLLERS);
  const byConfig = new Map<'defaults' | 'cronjobs', Array<{ group: string; resource: string }>>();
  for (const c of controllers) {
    const t = CONTROLLERS[c];
    if (t) byConfig.set(t.config, [...(byConfig.get(t.config) ?? []), t]);
  }
  const out: Array<{ variant: string; spec: JsonObject }> = [];
  for (const config of [...byConfig.keys()].sort()) {
    const targets = byConfig.get(config)!;
    const operations = mc!.resourceRules![0].operations ?? [];
    const groups = [...new Set(targets.map((t) => t.group))].sort();
    const match =
      operations.length === 0
        ? undefined
        : {
            resourceRules: groups.map((g) => ({
              apiGroups: [g],
              apiVersions: ['v1'],
              resources: targets
                .filter((t) => t.group === g)
                .map((t) => t.resource)
                .sort(),
              operations,
            })),
            ...(mc!.namespaceSelector ? { namespaceSelector: mc!.namespaceSelector } : {}),
          };
    const rewritten = JSON.parse(autogenRewrite(JSON.stringify({ ...spec, matchConstraints: match ?? null }), config)) as JsonObject;
    if (!match) delete rewritten.matchConstraints;
    out.push({ variant: config === 'cronjobs' ? 'autogen-cronjob' : 'autogen', spec: rewritten });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching (pkg/cel/matching/matcher.go with the apiserver's rule, namespace and object matchers).

const any = (items: readonly string[] | undefined, v: string) => (items ?? []).some((x) => x === '*' || x === v);

/** What a resource rule looks at: the request's kind of object, scope and operation. */
export type RequestKind = Pick<Request, 'group' | 'version' | 'resource' | 'namespace' | 'operation'>;

function ruleMatches(r: Rule, req: RequestKind): boolean {
  const scope = r.scope ?? '*';
  if (scope === 'Cluster' && req.namespace !== '') return false;
  if (scope === 'Namespaced' && req.namespace === '') return false;
  if (!any(r.operations, req.operation) || !any(r.apiGroups, req.group) || !any(r.apiVersions, req.version)) return false;
  return (r.resources ?? []).some((res) => {
    const slash = res.indexOf('/');
    const [base, sub] = slash < 0 ? [res, ''] : [res.slice(0, slash), res.slice(slash + 1)];
    return (base === '*' || base === req.resource) && (sub === '*' || sub === '');
  });
}

function rulesMatch(rules: readonly Rule[], req: Request): boolean {
  return rules.some(
    (r) =>
      ruleMatches(r, req) &&
      (!(r.resourceNames ?? []).length ||
        (req.name !== '' && r.resourceNames!.includes(req.name)) ||
        (req.name === '' && r.resourceNames!.some((n) => req.generateName.startsWith(n)))),
  );
}

/** Whether the policy's constraints select the request; throws a matching error (bad selector). */
function matches(mc: MatchResources | undefined, req: Request): boolean {
  if (!mc) return false;
  let nsError: Error | undefined;
  let objError: Error | undefined;
  if (!(req.namespace === '' && req.resource !== 'namespaces') && nonEmptySelector(mc.namespaceSelector)) {
    try {
      checkSelector(mc.namespaceSelector!);
      if (!selectorMatches(mc.namespaceSelector, req.namespaceLabels)) return false;
    } catch (e) {
      nsError = e as Error;
    }
  }
  if (nonEmptySelector(mc.objectSelector)) {
    try {
      checkSelector(mc.objectSelector!);
      const on = (labels: Readonly<Record<string, string>> | undefined) =>
        labels !== undefined && selectorMatches(mc.objectSelector, labels);
      if (!on(req.objectLabels) && !on(req.oldObjectLabels)) return false;
    } catch (e) {
      objError = e as Error;
    }
  }
  if (rulesMatch(mc.excludeResourceRules ?? [], req)) return false;
  if ((mc.resourceRules ?? []).length > 0 && !rulesMatch(mc.resourceRules!, req)) return false;
  if (nsError || objError) throw nsError ?? objError;
  return true;
}

/**
 * Whether some variant's resource rules can select requests of this kind, names and selectors
 * aside: a superset of matching. A policy for which it is false responds to such a request only
 * with rule-less (excluded) responses, so a caller may skip evaluating it.
 */
export function mayMatch(p: CompiledPolicy, req: RequestKind): boolean {
  return p.variants.some((v) => {
    const rules = v.match?.resourceRules ?? [];
    return v.match !== undefined && (rules.length === 0 || rules.some((r) => ruleMatches(r, req)));
  });
}

/** processor.hasSelector: one rule, no names, no selectors, no exclusions. */
function simpleConstraints(mc: MatchResources | undefined): boolean {
  if (!mc || nonEmptySelector(mc.namespaceSelector) || nonEmptySelector(mc.objectSelector) || (mc.excludeResourceRules ?? []).length > 0)
    return false;
  const rules = mc.resourceRules ?? [];
  return rules.length === 1 && !(rules[0].resourceNames ?? []).length;
}

// ---------------------------------------------------------------------------------------------
// Requests.

/** One admission request the CLI simulates for a resource. */
export interface Request {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly name: string;
  readonly generateName: string;
  readonly namespace: string;
  readonly operation: Operation;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly objectLabels?: Readonly<Record<string, string>>;
  readonly oldObjectLabels?: Readonly<Record<string, string>>;
  /** The CEL activation shared by every policy (object, oldObject, request, namespaceObject). */
  readonly base: Readonly<Activation>;
  /** Values of the request-only expressions evaluated so far (shared by every policy). */
  readonly memo?: Memo;
}

/** A resource as the CLI holds it, converted to CEL once and shared by every operation and policy. */
export interface PreparedResource {
  readonly manifest: Manifest;
  readonly cel: unknown;
}

/**
 * `kyverno test` converts every number of a test's resources to float64 before evaluating
 * (commands/test ProcessResources), so they are CEL doubles: `object.spec.replicas == 3` and
 * `> 2` hold (cross-type comparisons), `object.spec.replicas + 1` is an error, as there. Objects
 * served by the context keep their integers.
 */
export function prepareResource(manifest: Manifest): PreparedResource {
  return { manifest, cel: asDoubles(manifest) };
}

function asDoubles(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) out.push(asDoubles(x));
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = asDoubles(x);
    return out;
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

/**
 * The request for `operation` (processor.AdmissionRequestShape): CREATE has the object, UPDATE
 * the object twice, DELETE only the old object. The request object is what Kyverno serialises
 * (admission/v1 AdmissionRequest JSON: empty name, namespace and subResource omitted).
 */
export function buildRequest(
  r: PreparedResource,
  operation: Operation,
  kinds: KindResolver,
  namespaces: ReadonlyMap<string, Manifest>,
  userInfo: Readonly<Record<string, unknown>>,
): Request {
  const m = r.manifest;
  const group = groupOf(m.apiVersion);
  const version = versionOf(m.apiVersion);
  const resource = kinds.resource(m.apiVersion, m.kind);
  const name = m.metadata.name ?? '';
  const namespace = (m.metadata.namespace as string | undefined) ?? '';
  const object = operation === 'DELETE' ? null : r.cel;
  const oldObject = operation === 'CREATE' ? null : r.cel;
  const labels = ((m.metadata.labels ?? {}) as Record<string, string>) ?? {};
  const ns = namespace ? namespaces.get(namespace) : undefined;
  // The namespace matcher: a Namespace's own labels on create/update; a known namespace's labels; otherwise
  // the minimal namespace the CLI assumes (only kubernetes.io/metadata.name).
  const namespaceLabels =
    resource === 'namespaces' && group === '' && operation !== 'DELETE'
      ? labels
      : ns
        ? ((ns.metadata.labels ?? {}) as Record<string, string>)
        : { 'kubernetes.io/metadata.name': namespace };
  const gvk = { group, version, kind: m.kind };
  const gvr = { group, version, resource };
  const request = toCelValue({
    uid: '',
    kind: gvk,
    resource: gvr,
    requestKind: gvk,
    requestResource: gvr,
    ...(name ? { name } : {}),
    ...(namespace ? { namespace } : {}),
    operation,
    userInfo,
    dryRun: false,
    options: null,
  }) as Record<string, unknown>;
  request.object = object;
  request.oldObject = oldObject;
  return {
    group,
    version,
    kind: m.kind,
    resource,
    name,
    generateName: (m.metadata.generateName as string | undefined) ?? '',
    namespace,
    operation,
    namespaceLabels,
    ...(object ? { objectLabels: labels } : {}),
    ...(oldObject ? { oldObjectLabels: labels } : {}),
    base: { object, oldObject, request, namespaceObject: ns ? toCelValue(ns) : null },
    memo: new Map(),
  };
}

// ---------------------------------------------------------------------------------------------
// Compiling.

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Compiles every supported policy of a suite, with its autogen variants and the exceptions that name it. */
export function compilePolicies(
  docs: readonly SourcedDoc[],
  exceptions: readonly SourcedDoc[],
  engine: CelEngine,
): { policies: CompiledPolicy[]; errors: PolicyError[] } {
  const policies: CompiledPolicy[] = [];
  const errors: PolicyError[] = [];
  for (const doc of docs) {
    const m = doc.manifest;
    const name = m.metadata?.name ?? '';
    try {
      policies.push(compilePolicy(doc, exceptions, engine));
    } catch (e) {
      errors.push({ name, kind: m.kind, message: `${doc.file}: ${m.kind} ${name} does not compile: ${firstLine(e)}` });
    }
  }
  return { policies, errors };
}

const shown = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** The spec fields the engine reads, checked for shape so a malformed policy says what is wrong. */
function checkShape(spec: unknown): asserts spec is JsonObject {
  if (!isMap(spec)) throw new Error(`spec: ${shown(spec)} is not a mapping`);
  const list = (v: unknown, at: string) => {
    if (v === undefined || v === null) return;
    if (!Array.isArray(v) || v.some((x) => !isMap(x))) throw new Error(`${at}: not a list of mappings`);
  };
  const strings = (v: unknown, at: string) => {
    if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'string')))
      throw new Error(`${at}: ${shown(v)} is not a list of strings`);
  };
  const selector = (v: unknown, at: string) => {
    if (v === undefined || v === null) return;
    if (!isMap(v)) throw new Error(`${at}: not a label selector`);
    if (v.matchLabels !== undefined && !isMap(v.matchLabels)) throw new Error(`${at}.matchLabels: not a mapping of label to value`);
    list(v.matchExpressions, `${at}.matchExpressions`);
    for (const [i, e] of mappings(v.matchExpressions).entries()) {
      if (typeof e.key !== 'string') throw new Error(`${at}.matchExpressions[${i}].key: missing`);
      strings(e.values, `${at}.matchExpressions[${i}].values`);
    }
  };
  const mc = spec.matchConstraints;
  if (mc !== undefined && mc !== null) {
    if (!isMap(mc)) throw new Error('spec.matchConstraints: not a mapping');
    for (const k of ['resourceRules', 'excludeResourceRules']) {
      list(mc[k], `spec.matchConstraints.${k}`);
      for (const [i, r] of mappings(mc[k]).entries())
        for (const f of ['apiGroups', 'apiVersions', 'resources', 'operations', 'resourceNames'])
          strings(r[f], `spec.matchConstraints.${k}[${i}].${f}`);
    }
    selector(mc.namespaceSelector, 'spec.matchConstraints.namespaceSelector');
    selector(mc.objectSelector, 'spec.matchConstraints.objectSelector');
  }
  for (const k of [
    'matchConditions',
    'variables',
    'validations',
    'auditAnnotations',
    'images',
    'matchImageReferences',
    'attestors',
    'attestations',
  ])
    list(spec[k], `spec.${k}`);
}

function compilePolicy(doc: SourcedDoc, exceptionDocs: readonly SourcedDoc[], engine: CelEngine): CompiledPolicy {
  const m = doc.manifest;
  const spec = m.spec ?? {};
  checkShape(spec);
  const name = m.metadata.name;
  const image = IMAGE_KINDS.includes(m.kind);
  const compile = (expr: unknown, where: string): CelProgram => {
    if (typeof expr !== 'string')
      throw new Error(`${where}: ${expr === undefined ? 'no expression' : `${shown(expr)} is not a CEL expression (a string)`}`);
    if (expr.trim() === '') throw new Error(`${where}: the expression is empty`);
    try {
      return engine.compile(rewriteHas(expr));
    } catch (e) {
      throw new Error(`${where}: ${firstLine(e)}`);
    }
  };
  const conditions = (list: unknown, where: string): Condition[] =>
    mappings(list).map((c, i) => ({
      name: String(c?.name ?? ''),
      program: compile(c?.expression, `${where}[${i}] (${c?.name ?? ''})`),
      pure: !IMPURE.test(String(c?.expression)),
    }));
  const exceptions = exceptionDocs.filter((ex) =>
    mappings(obj(ex.manifest.spec)?.policyRefs).some((r) => r?.name === name && r?.kind === m.kind),
  );
  const compiledExceptions = exceptions.map((ex): CompiledException => {
    const es = obj(ex.manifest.spec) ?? {};
    const ns = ex.manifest.metadata.namespace;
    const images = Array.isArray(es.images) ? es.images.map(String) : [];
    const allowedValues = Array.isArray(es.allowedValues) ? es.allowedValues.map(String) : [];
    const priority = Number.parseInt(
      String(((ex.manifest.metadata.labels ?? {}) as Record<string, string>)['polex.kyverno.io/priority'] ?? ''),
      10,
    );
    return {
      key: ns ? `${ns}/${ex.manifest.metadata.name}` : ex.manifest.metadata.name,
      priority: Number.isNaN(priority) ? 0 : priority,
      reportResult: String(es.reportResult ?? ''),
      partial: images.length > 0 || allowedValues.length > 0,
      images,
      allowedValues,
      conditions: conditions(es.matchConditions, `PolicyException ${ex.manifest.metadata.name}: spec.matchConditions`),
    };
  });
  const variant = (vname: string, s: JsonObject, withExceptions: boolean): Variant => {
    const match = (s.matchConstraints ?? undefined) as MatchResources | undefined;
    return {
      name: vname,
      match,
      dropWhenUnmatched: simpleConstraints(match),
      matchConditions: conditions(s.matchConditions, 'spec.matchConditions'),
      variables: conditions(s.variables, 'spec.variables'),
      validations: mappings(s.validations).map((v, i) => ({
        program: compile(v?.expression, `spec.validations[${i}].expression`),
        message: typeof v?.message === 'string' ? v.message : '',
        ...(v?.messageExpression ? { messageProgram: compile(v.messageExpression, `spec.validations[${i}].messageExpression`) } : {}),
      })),
      auditAnnotations: mappings(s.auditAnnotations).map((a, i) => ({
        key: String(a?.key ?? ''),
        program: compile(a?.valueExpression, `spec.auditAnnotations[${i}].valueExpression`),
      })),
      exceptions: withExceptions ? compiledExceptions : [],
      ...(image
        ? {
            imageExtractors: mappings(s.images).map((x, i) => ({
              name: String(x?.name ?? ''),
              program: compile(x?.expression, `spec.images[${i}].expression`),
            })),
            imageReferences: mappings(s.matchImageReferences).map((r, i) => {
              if (typeof r?.glob === 'string') {
                const re = globToRegExp(r.glob);
                return (ref: string) => re.test(ref);
              }
              const p = compile(r?.expression, `spec.matchImageReferences[${i}].expression`);
              return (ref: string) => {
                const out = p({ ref } as never);
                if (typeof out !== 'boolean') throw new Error(`matchImageReferences[${i}]: expression returned ${typeof out}, not a bool`);
                return out;
              };
            }),
          }
        : {}),
    };
  };
  // Kyverno applies exceptions to a ValidatingPolicy's autogen variants, not to an ImageValidatingPolicy's.
  const variants = [variant('', spec, true), ...autogenSpecs(spec).map((a) => variant(a.variant, a.spec, !image))];
  const vc = obj(spec.validationConfigurations) ?? {};
  return {
    name,
    kind: m.kind,
    namespace: m.kind.startsWith('Namespaced') ? ((m.metadata.namespace as string | undefined) ?? 'default') : '',
    image,
    failurePolicyIgnore: spec.failurePolicy === 'Ignore',
    verifyDigest: vc.verifyDigest !== false,
    required: vc.required !== false,
    attestors: toCelValue(Object.fromEntries(mappings(spec.attestors).map((a) => [String(a?.name ?? ''), a]))),
    attestations: toCelValue(Object.fromEntries(mappings(spec.attestations).map((a) => [String(a?.name ?? ''), String(a?.name ?? '')]))),
    variants,
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluating.

/** The context libraries a policy sees (namespaced policies read their own namespace). */
export interface Libraries {
  readonly resource: ResourceContext;
  readonly image: ImageDataContext;
  readonly globalContext: GlobalContext;
  readonly http: HttpContext;
}

export function libraries(snapshot: ClusterSnapshot, namespace: string): Libraries {
  return {
    resource: new ResourceContext(snapshot, namespace),
    image: new ImageDataContext(snapshot),
    globalContext: new GlobalContext(snapshot),
    http: new HttpContext(snapshot),
  };
}

/** compiler.match: false as soon as one condition is false; errors count only when none is false (then failurePolicy decides). */
function matchAll(conditions: readonly Condition[], ctx: Activation, ignore: boolean, memo: Memo | undefined): boolean {
  const errors: string[] = [];
  for (const c of conditions) {
    let out: unknown;
    try {
      out = run(c, ctx, memo);
    } catch (e) {
      errors.push(`${c.name}: ${firstLine(e)}`);
      continue;
    }
    if (typeof out !== 'boolean') {
      errors.push(`${c.name}: expression returned ${describe(out)}, not a bool`);
      continue;
    }
    if (!out) return false;
  }
  if (errors.length === 0) return true;
  if (ignore) return false;
  throw new Error(errors.join('; '));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'map' : typeof v;
}

/** Kyverno's lazy `variables`: each evaluated on first use, once per request. */
function lazyVariables(defs: readonly Condition[], ctx: Activation, memo: Memo | undefined): Activation {
  const vars: Activation = {};
  for (const d of defs) {
    let state = 0;
    let value: unknown;
    let error: unknown;
    // Redefinable: a later variable of the same name wins, as in Kyverno's map of variables.
    Object.defineProperty(vars, d.name, {
      enumerable: true,
      configurable: true,
      get() {
        if (state === 1) return value;
        if (state === 2) throw error;
        if (state === 3) throw new Error(`variable ${d.name} refers to itself`);
        state = 3;
        try {
          value = run(d, ctx, memo);
          state = 1;
          return value;
        } catch (e) {
          error = new Error(`variables.${d.name}: ${firstLine(e)}`);
          state = 2;
          throw error;
        }
      },
    });
  }
  return vars;
}

const rule = (name: string, status: RuleStatus, message: string): RuleResponse => ({ name, status, message });

/** Every response the CLI records for one resource and operation (responses without rules it drops are left out). */
export function evaluate(policies: readonly CompiledPolicy[], req: Request, libs: (namespace: string) => Libraries): PolicyResponse[] {
  const out: PolicyResponse[] = [];
  for (const p of policies) {
    // A namespaced policy applies only in its namespace (the webhook's NamespacedPolicy predicate).
    const outside = p.namespace !== '' && req.namespace !== p.namespace;
    if (p.image) {
      out.push(...evaluateImagePolicy(p, req, libs(p.namespace), outside));
      continue;
    }
    for (const v of p.variants) {
      let rules: RuleResponse[];
      try {
        rules = !outside && matches(v.match, req) ? evaluateValidating(p, v, req, libs(p.namespace)) : [];
      } catch (e) {
        rules = [rule('match', 'error', `failed to execute matching: ${firstLine(e)}`)];
      }
      if (rules.length === 0 && v.dropWhenUnmatched) continue;
      out.push({ policy: p.name, kind: p.kind, variant: v.name, rules });
    }
  }
  return out;
}

/**
 * The CEL activation of one evaluation: the request's variables, the context libraries, no
 * variables or exceptions yet. Spelled out rather than spread: two object spreads per evaluation
 * cost more than the CEL they feed when a scan evaluates hundreds of thousands.
 */
function activation(req: Request, lib: Libraries): Activation {
  const b = req.base;
  return {
    object: b.object,
    oldObject: b.oldObject,
    request: b.request,
    namespaceObject: b.namespaceObject,
    resource: lib.resource,
    image: lib.image,
    globalContext: lib.globalContext,
    http: lib.http,
    variables: {},
    exceptions: { allowedImages: [], allowedValues: [] },
  };
}

/** vpol compiler.Policy.evaluateWithData and engine.handlePolicy. */
function evaluateValidating(p: CompiledPolicy, v: Variant, req: Request, lib: Libraries): RuleResponse[] {
  const ctx = activation(req, lib);
  const allowedImages: string[] = [];
  const allowedValues: string[] = [];
  const matched: CompiledException[] = [];
  let full = false;
  for (const ex of v.exceptions) {
    let ok: boolean;
    try {
      ok = matchAll(ex.conditions, ctx, p.failurePolicyIgnore, req.memo);
    } catch (e) {
      if (full) continue; // a granted exemption stands even if a later exception is broken
      return [rule('evaluation', 'error', `failed to load context: PolicyException ${ex.key}: ${firstLine(e)}`)];
    }
    if (!ok) continue;
    matched.push(ex);
    if (!ex.partial) full = true;
    else if (!full) {
      allowedImages.push(...ex.images);
      allowedValues.push(...ex.allowedValues);
    }
  }
  if (full) {
    let selected = matched[0];
    for (const ex of matched) if (ex.priority > selected.priority) selected = ex;
    const keys = matched.map((ex) => ex.key).join(', ');
    return selected.reportResult === 'pass'
      ? [rule('exception', 'pass', `rule is passed due to policy exception: ${keys}`)]
      : [rule('exception', 'skip', `rule is skipped due to policy exception: ${keys}`)];
  }
  ctx.exceptions = { allowedImages, allowedValues };
  try {
    if (!matchAll(v.matchConditions, ctx, p.failurePolicyIgnore, req.memo))
      return [rule('', 'skip', 'skip: the resource does not meet the matchConditions')];
  } catch (e) {
    return [rule('evaluation', 'error', `failed to load context: ${firstLine(e)}`)];
  }
  ctx.variables = lazyVariables(v.variables, ctx, req.memo);
  for (let i = 0; i < v.validations.length; i++) {
    const val = v.validations[i];
    let out: unknown;
    try {
      out = val.program(ctx);
    } catch (e) {
      return [rule('', 'error', `error: ${firstLine(e)}`)];
    }
    if (typeof out !== 'boolean') return [rule('', 'error', `error: type conversion error from '${describe(out)}' to 'bool'`)];
    if (out) continue;
    let message = val.message;
    if (val.messageProgram) {
      try {
        const m = val.messageProgram(ctx);
        message =
          typeof m === 'string'
            ? m
            : `failed to convert message expression to string: type conversion error from '${describe(m)}' to 'string'`;
      } catch (e) {
        message = `failed to evaluate message expression: ${firstLine(e)}`;
      }
    }
    if (message === '') message = `CEL expression validation failed at index ${i}`;
    const annotationError = auditAnnotationsError(v, ctx);
    if (annotationError) return [rule('', 'error', `error: ${annotationError}`)];
    return [rule('', 'fail', message)];
  }
  const annotationError = auditAnnotationsError(v, ctx);
  if (annotationError) return [rule('evaluation', 'error', `failed to load context: ${annotationError}`)];
  return [rule('', 'pass', 'success')];
}

function auditAnnotationsError(v: Variant, ctx: Activation): string | undefined {
  for (const a of v.auditAnnotations) {
    try {
      const out = a.program(ctx);
      if (out !== null && typeof out !== 'string') return `failed to convert auditAnnotation '${a.key}' expression: not a string`;
    } catch (e) {
      return `failed to evaluate auditAnnotation '${a.key}': ${firstLine(e)}`;
    }
  }
  return undefined;
}

/**
 * ivpol engine, offline: matching, matchConditions, exceptions, image extraction and
 * matchImageReferences, the digest check, then validations. Image data comes from the test's
 * Context file only; signature and attestation checks cannot run without the registry.
 */
function evaluateImagePolicy(p: CompiledPolicy, req: Request, lib: Libraries, outside: boolean): PolicyResponse[] {
  // The CLI keeps one response per image policy (autogen variants share its name); unmatched ones have none.
  let response: PolicyResponse | undefined;
  for (const v of p.variants) {
    let rules: RuleResponse[] | undefined;
    try {
      if (outside || !matches(v.match, req)) continue;
      rules = withImages(lib.image.snapshot, () => evaluateImageVariant(p, v, req, lib));
    } catch (e) {
      rules = [rule('match', 'error', `failed to execute matching: ${firstLine(e)}`)];
    }
    if (rules) response = { policy: p.name, kind: p.kind, variant: v.name, rules };
  }
  return response ? [response] : [];
}

function evaluateImageVariant(p: CompiledPolicy, v: Variant, req: Request, lib: Libraries): RuleResponse[] | undefined {
  const ctx = activation(req, lib);
  const error = (e: unknown) => [rule('evaluation', 'error', `failed to evaluate policy: ${firstLine(e)}`)];
  try {
    if (!matchAll(v.matchConditions, ctx, p.failurePolicyIgnore, req.memo)) return undefined;
    const matchedExceptions = v.exceptions.filter((ex) => matchAll(ex.conditions, ctx, p.failurePolicyIgnore, req.memo));
    if (matchedExceptions.length > 0)
      return [rule('exception', 'skip', `rule is skipped due to policy exception: ${matchedExceptions.map((ex) => ex.key).join(', ')}`)];
  } catch (e) {
    return error(e);
  }
  ctx.variables = lazyVariables(v.variables, ctx, req.memo);
  const images: Record<string, string[]> = {};
  const imageList: string[] = [];
  try {
    const extractors = [...defaultExtractors(req, ctx), ...v.imageExtractors!.map((x) => ({ name: x.name, images: () => x.program(ctx) }))];
    for (const x of extractors) {
      const list = x.images();
      if (!Array.isArray(list) || list.some((i) => typeof i !== 'string'))
        throw new Error(`images ${x.name}: expression must return a list of strings`);
      images[x.name] = [];
      for (const img of list as string[]) {
        if (v.imageReferences!.length === 0 || v.imageReferences!.some((f) => f(img))) {
          images[x.name].push(img);
          imageList.push(img);
        }
      }
    }
  } catch (e) {
    return error(e);
  }
  if (p.verifyDigest) {
    const undigested = imageList.find((img) => !/@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(img));
    if (undigested) return [rule(p.name, 'fail', `image ${undigested} does not have a digest`)];
  }
  const unavailable = imageList.find((img) => !lib.image.snapshot.hasImage(img));
  if (unavailable)
    return error(
      `image ${unavailable}: its data comes from the registry, which krate-policy test cannot reach offline (add it to the test's context file under spec.images)`,
    );
  Object.assign(ctx, { images, attestors: p.attestors, attestations: p.attestations });
  for (let i = 0; i < v.validations.length; i++) {
    const val = v.validations[i];
    let out: unknown;
    try {
      out = val.program(ctx);
    } catch (e) {
      return error(e);
    }
    if (typeof out !== 'boolean') return [rule(p.name, 'error', `error: type conversion error from '${describe(out)}' to 'bool'`)];
    if (out) continue;
    let message = val.message;
    if (val.messageProgram) {
      try {
        const m = val.messageProgram(ctx);
        message = typeof m === 'string' ? m : `failed to convert message expression to string`;
      } catch (e) {
        message = `failed to evaluate message expression: ${firstLine(e)}`;
      }
    }
    return [rule(p.name, 'fail', message || `CEL expression validation failed at index ${i}`)];
  }
  const annotationError = auditAnnotationsError(v, ctx);
  if (annotationError) return error(annotationError);
  // validationConfigurations.required: every matched image must have been verified by some policy.
  if (p.required && imageList.length > 0)
    return [rule(p.name, 'fail', `image ${imageList[0]} is not verified: no policy performed a signature or attestation check on it`)];
  return [rule(p.name, 'pass', 'success')];
}

/** Kyverno's built-in image extractors for pods and pod controllers (pkg/cel/compiler/images.go). */
function defaultExtractors(req: Request, ctx: Activation): Array<{ readonly name: string; images(): unknown }> {
  const path =
    req.group === '' && req.resource === 'pods'
      ? ['spec']
      : req.group === 'batch' && req.resource === 'cronjobs'
        ? ['spec', 'jobTemplate', 'spec', 'template', 'spec']
        : (req.group === 'apps' && ['deployments', 'statefulsets', 'daemonsets', 'replicasets'].includes(req.resource)) ||
            (req.group === 'batch' && req.resource === 'jobs')
          ? ['spec', 'template', 'spec']
          : undefined;
  if (!path || req.version !== 'v1') return [];
  const root = ctx.object ?? ctx.oldObject;
  // What the path ends at is read as a mapping: a field of another value is undefined, of null an error.
  const holder = () => {
    let o: unknown = root;
    for (const k of path) {
      if (typeof o !== 'object' || o === null || !(k in o)) throw new Error(`no such key: ${k}`);
      o = (o as Record<string, unknown>)[k];
    }
    return o as Record<string, unknown>;
  };
  return ['containers', 'initContainers', 'ephemeralContainers'].map((name) => ({
    name,
    images: () => {
      const list = holder()[name];
      return Array.isArray(list) ? list.map((c: unknown) => obj(c)?.image) : [];
    },
  }));
}
