// The scan engine: evaluates rendered `policies.kyverno.io/v1` ValidatingPolicy objects (the exact
// CEL Kyverno receives) against manifests, honouring matchConstraints, matchConditions, variables,
// pod-controller autogen and PolicyExceptions. `krate-policy scan` and the fixture tests use it.
import { CelEngine, toCelValue, type CelContext, type CelProgram } from './cel';
import { ClusterReadError } from '../lib/cel';
import { ConfigError } from '../lib/errors';
import type { PolicyMode } from '../lib/ladder';
import { groupOf, isBuiltInClusterScoped } from '../lib/kinds';
import { selectorMatches } from '../lib/label-selector';
// Re-exported: scan's callers and tests have always taken it from here.
export { selectorMatches } from '../lib/label-selector';
import { objectName, type LabelSelector, type Manifest, type SourcedManifest } from '../lib/manifests';

export type ScanResultKind = 'pass' | 'fail' | 'skip' | 'error';

/**
 * What scan reports for an ImageValidatingPolicy: signatures live in the registry and the
 * transparency log, so they are verified at admission only; scan never claims a pass.
 */
export const ADMISSION_ONLY_MESSAGE =
  'image signatures are verified at admission only (Kyverno checks them against the registry); not evaluated offline';

/** One (policy, matching resource) outcome, in the JSON shape `scan --output json` prints. */
export interface ScanResult {
  readonly policy: string;
  readonly template: string;
  readonly pack: string;
  readonly mode: PolicyMode;
  readonly resource: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
  readonly result: ScanResultKind;
  readonly message: string;
}

export interface ScanSummary {
  pass: number;
  fail: number;
  skip: number;
  error: number;
}

export interface ScanReport {
  readonly results: ScanResult[];
  readonly summary: ScanSummary;
}

/** Resource (plural) name of a kind, as admission rules name it. */
export function resourceName(kind: string): string {
  const k = kind.toLowerCase();
  if (k === 'endpoints') return k;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

/** Where a pod controller keeps its pod template (Kyverno autogen), by `group/resource`. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, 'template' | 'cronjob'>> = {
  'apps/deployments': 'template',
  'apps/statefulsets': 'template',
  'apps/daemonsets': 'template',
  'apps/replicasets': 'template',
  'batch/jobs': 'template',
  'batch/cronjobs': 'cronjob',
};

type Family = 'direct' | 'template' | 'cronjob';

/**
 * Kyverno's autogen rewrite of a Pod expression for a controller: `object.spec` and
 * `object.metadata` move into the pod template, except the workload's own metadata.name/namespace.
 */
export function autogenExpression(expression: string, family: Family): string {
  if (family === 'direct') return expression;
  const base = family === 'cronjob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
  return expression.replace(
    /\b(object|oldObject)\.(spec|metadata)\b(?!\.(?:name|namespace)\b)/g,
    (_m, root: string, field: string) => `${root}.${base}.${field}`,
  );
}

/**
 * The API server serializes a pod template's ObjectMeta even when empty, so admission always sees
 * `spec.template.metadata`; manifests on disk often omit it. Supply it as the server would.
 */
function withTemplateMetadata(m: Manifest, family: Family): Manifest {
  const spec = m.spec as ControllerSpec | undefined;
  const holder = family === 'cronjob' ? spec?.jobTemplate?.spec : spec;
  if (!holder?.template || holder.template.metadata) return m;
  const template = { ...holder.template, metadata: {} };
  if (family === 'template') return { ...m, spec: { ...spec, template } };
  return { ...m, spec: { ...spec, jobTemplate: { ...spec!.jobTemplate, spec: { ...holder, template } } } };
}

/**
 * An object as the API server serializes it, which is what admission and background scans see:
 * a pod controller's pod template always has metadata (see withTemplateMetadata).
 */
export function asServed(m: Manifest): Manifest {
  const slash = m.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : m.apiVersion.slice(0, slash);
  const family = m.apiVersion.slice(slash + 1) === 'v1' ? POD_TEMPLATE_PATHS[`${group}/${resourceName(m.kind)}`] : undefined;
  return family ? withTemplateMetadata(m, family) : m;
}

interface Rule {
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly resources?: readonly string[];
  readonly operations?: readonly string[];
  readonly resourceNames?: readonly string[];
}

const has = (list: readonly string[] | undefined, v: string) =>
  !list || list.length === 0 ? false : list.includes('*') || list.includes(v);

/** A background scan evaluates existing objects as Kyverno does: as a CREATE/UPDATE of the object. */
function ruleMatches(rule: Rule, group: string, version: string, resource: string, name: string): boolean {
  return (
    has(rule.apiGroups, group) &&
    has(rule.apiVersions, version) &&
    has(rule.resources, resource) &&
    (has(rule.operations, 'CREATE') || has(rule.operations, 'UPDATE')) &&
    (!rule.resourceNames?.length || rule.resourceNames.includes(name))
  );
}

interface Programs {
  /** `step`: the label an error names, built once. */
  /** `slot`: the program's place in the per-object memo (one per distinct program, see PolicySet.memoSlot). */
  readonly matchConditions: ReadonlyArray<{
    readonly name: string;
    readonly step: string;
    readonly program: CelProgram;
    readonly slot: number;
  }>;
  /**
   * `shared`: the expression does not read `variables`, so its value is a function of the object
   * alone and is memoised in `slot`.
   */
  readonly variables: ReadonlyArray<{
    readonly name: string;
    readonly step: string;
    readonly program: CelProgram;
    readonly shared: boolean;
    readonly slot: number;
  }>;
  /**
   * Identifies the variables list (names and expressions, in order): the variables are a function
   * of the object alone, so policies with the same list share one evaluation per object.
   */
  readonly variablesKey: number;
  readonly validations: ReadonlyArray<{
    readonly step: string;
    readonly program: CelProgram;
    readonly message: string;
    readonly messageProgram?: CelProgram;
  }>;
}

/** A pair a scan evaluates: the policy and how it applies to that resource type. */
interface Candidate {
  readonly p: CompiledPolicy;
  /** Undefined when the policy's rules name resources: decided per object by its name. */
  readonly family: Family | undefined;
  /** `p.programs[family]`, looked up once per plan rather than per object. */
  readonly programs: Programs | undefined;
}

type Outcome = { readonly result: ScanResultKind; readonly message: string };
const PASS: Outcome = { result: 'pass', message: 'validation passed' };

interface CompiledPolicy {
  readonly name: string;
  /** `Kind/name`, as PolicyException policyRefs name it. */
  readonly ref: string;
  /** ImageValidatingPolicy: matched and excepted offline, verified at admission only (scan reports skip). */
  readonly admissionOnly: boolean;
  readonly template: string;
  readonly pack: string;
  readonly mode: PolicyMode;
  readonly rules: readonly Rule[];
  readonly excludeRules: readonly Rule[];
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
  /** Controller resources (`group/resource`) autogen covers; empty when the policy is not a Pod policy. */
  readonly controllers: ReadonlySet<string>;
  readonly programs: Readonly<Partial<Record<Family, Programs>>>;
  /** The PolicyExceptions whose policyRefs name this policy (filled in once all are compiled). */
  readonly exceptions: CompiledException[];
  readonly namespaceCache: Map<string, boolean>;
  readonly familyCache: Map<string, Family | undefined>;
  /** Whether any rule lists resourceNames (then matching depends on the object's name and is not cached). */
  readonly namesMatter: boolean;
}

interface CompiledException {
  readonly id: string;
  readonly policies: ReadonlySet<string>;
  readonly matchConditions: ReadonlyArray<{ readonly name: string; readonly program: CelProgram }>;
  readonly step: string;
}

/** A pod controller's spec: the pod template (a CronJob's under jobTemplate.spec) withTemplateMetadata reads. */
interface ControllerSpec {
  readonly template?: { readonly metadata?: unknown; readonly [k: string]: unknown };
  readonly jobTemplate?: { readonly spec?: ControllerSpec; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** A `name` and an `expression`: a matchCondition or a variable. */
interface NamedExpression {
  readonly name: string;
  readonly expression: string;
}

/** The fields of a ValidatingPolicy's (or ImageValidatingPolicy's) spec compilePolicy reads. */
interface PolicySpec {
  readonly matchConstraints?: {
    readonly resourceRules?: readonly Rule[];
    readonly excludeResourceRules?: readonly Rule[];
    readonly namespaceSelector?: LabelSelector;
    readonly objectSelector?: LabelSelector;
  };
  readonly autogen?: { readonly podControllers?: { readonly controllers?: readonly string[] } };
  readonly matchConditions?: readonly NamedExpression[];
  readonly variables?: readonly NamedExpression[];
  readonly validations?: ReadonlyArray<{ readonly expression: string; readonly message?: string; readonly messageExpression?: string }>;
  readonly validationActions?: readonly string[];
}

/** The fields of a PolicyException's spec the scan reads (rendered, or from --exceptions, which checkException has read). */
interface PolicyExceptionSpec {
  readonly expiresAt?: string;
  readonly policyRefs?: ReadonlyArray<{ readonly kind?: string; readonly name: string }>;
  readonly matchConditions?: readonly NamedExpression[];
}

/** PolicyExceptions are read in every version policies.kyverno.io serves (the rendered ones are v1). */
const EXCEPTION_API_VERSIONS = ['policies.kyverno.io/v1alpha1', 'policies.kyverno.io/v1beta1', 'policies.kyverno.io/v1'];

export interface PolicySetOptions {
  /** Exceptions whose expiresAt is before it are ignored. @default every exception applies */
  readonly now?: Date;
  /** The engine expressions compile with (programs are cached by source text). @default a new CelEngine */
  readonly engine?: CelEngine;
  /** Names the policies in compile errors. @default 'policies' */
  readonly source?: string;
  /**
   * CEL variables bound in every evaluation besides object, oldObject, request, namespaceObject and
   * variables: Kyverno's context libraries (`resource`, `image`, `globalContext`, `http`), with an
   * engine that declares them (createKyvernoCelEngine), so `resource.List` reads a cluster snapshot.
   * @default none
   */
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/** What every object of one (apiVersion, kind) shares in a scan (see PolicySet.scan). */
interface TypeInfo {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly clusterScoped: boolean;
  readonly isNamespace: boolean;
  /** Where a pod controller keeps its pod template; undefined for other kinds. */
  readonly controller: Family | undefined;
  /** `request.kind` and `request.resource`, shared by every object of the type (CEL never writes to them). */
  readonly requestKind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly requestResource: { readonly group: string; readonly version: string; readonly resource: string };
  /** The candidates per namespace name ('' for cluster-scoped objects). */
  readonly plans: Map<string, readonly Candidate[]>;
}

function typeInfo(apiVersion: string, kind: string): TypeInfo {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const resource = resourceName(kind);
  return {
    group,
    version,
    resource,
    clusterScoped: isBuiltInClusterScoped(`${groupOf(apiVersion)}/${kind}`),
    isNamespace: kind === 'Namespace',
    controller: version === 'v1' ? POD_TEMPLATE_PATHS[`${group}/${resource}`] : undefined,
    requestKind: { group, version, kind },
    requestResource: { group, version, resource },
    plans: new Map(),
  };
}

/**
 * Values by slot for the object being scanned. `next()` moves to the next object: a slot whose
 * stamp is not the current one holds nothing, so forgetting allocates nothing (Map.clear does).
 */
class ObjectMemo<T> {
  private readonly values: Array<T | undefined>;
  private readonly stamps: number[];
  private stamp = 0;

  constructor(size: number) {
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.stamps = new Array<number>(size).fill(0);
  }

  next(): void {
    this.stamp++;
  }

  get(slot: number): T | undefined {
    return this.stamps[slot] === this.stamp ? this.values[slot] : undefined;
  }

  set(slot: number, value: T): void {
    this.stamps[slot] = this.stamp;
    this.values[slot] = value;
  }
}

/** Compiled policies and exceptions, ready to scan any number of manifests. */
export class PolicySet {
  private readonly policies: CompiledPolicy[] = [];
  private readonly exceptions: CompiledException[] = [];
  /** Policies by `group/resource` they may match (directly or through autogen). */
  private readonly byResource = new Map<string, CompiledPolicy[]>();

  /** CEL variables bound in every evaluation besides the admission ones (PolicySetOptions.bindings). */
  private readonly bindings: Readonly<Record<string, unknown>> | undefined;

  /**
   * Compiles every ValidatingPolicy and PolicyException among `manifests` (other kinds are ignored).
   * Exceptions whose expiresAt is before `now` are ignored, as Kyverno does.
   */
  constructor(manifests: readonly Manifest[], options: PolicySetOptions = {}) {
    // The default engine declares Kyverno's resource library (context-aware policies compile); a call
    // throws ClusterReadError, and such a result is `skip`: Kyverno decides it in the cluster. With
    // a snapshot (scan --context) the caller passes an engine and bindings that answer from it.
    const engine = options.engine ?? new CelEngine();
    this.bindings = options.bindings && Object.keys(options.bindings).length > 0 ? options.bindings : undefined;
    const compile = (expr: string, where: string): CelProgram => {
      try {
        return engine.compile(expr);
      } catch (e) {
        throw new ConfigError([`${options.source ?? 'policies'}: ${where}: ${(e as Error).message}`]);
      }
    };
    for (const m of manifests) {
      if (m.apiVersion === 'policies.kyverno.io/v1' && (m.kind === 'ValidatingPolicy' || m.kind === 'ImageValidatingPolicy'))
        this.policies.push(this.compilePolicy(m, compile));
      if (EXCEPTION_API_VERSIONS.includes(m.apiVersion) && m.kind === 'PolicyException') {
        const spec = (m.spec ?? {}) as PolicyExceptionSpec;
        if (spec.expiresAt && options.now && Date.parse(spec.expiresAt) < options.now.getTime()) continue;
        const id = `${m.metadata.namespace ?? ''}/${m.metadata.name}`;
        this.exceptions.push({
          id,
          step: `PolicyException ${id}`,
          policies: new Set((spec.policyRefs ?? []).map((r) => `${r.kind ?? 'ValidatingPolicy'}/${r.name}`)),
          matchConditions: (spec.matchConditions ?? []).map((c, i) => ({
            name: c.name,
            program: compile(c.expression, `PolicyException/${id}: spec.matchConditions[${i}]`),
          })),
        });
      }
    }
    for (const p of this.policies) {
      p.exceptions.push(...this.exceptions.filter((ex) => ex.policies.has(p.ref)));
      const keys = new Set<string>();
      for (const r of p.rules) for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) keys.add(`${g}/${res}`);
      for (const c of p.controllers) keys.add(c);
      for (const k of keys) this.byResource.set(k, [...(this.byResource.get(k) ?? []), p]);
    }
  }

  /** Number of ValidatingPolicies compiled. */
  get size(): number {
    return this.policies.length;
  }

  /** Ids of distinct variables lists (see Programs.variablesKey). */
  private readonly variablesKeys = new Map<string, number>();

  /** Memo slots of distinct programs: the engine returns one program per expression text, so policies sharing one share its slot. */
  private readonly memoSlots = new Map<CelProgram, number>();

  private memoSlot(program: CelProgram): { readonly program: CelProgram; readonly slot: number } {
    let slot = this.memoSlots.get(program);
    if (slot === undefined) this.memoSlots.set(program, (slot = this.memoSlots.size));
    return { program, slot };
  }

  private compilePolicy(m: Manifest, compile: (expr: string, where: string) => CelProgram): CompiledPolicy {
    const spec = (m.spec ?? {}) as PolicySpec;
    const name = m.metadata.name;
    const labels = (m.metadata.labels ?? {}) as Record<string, string>;
    const mc = spec.matchConstraints ?? {};
    const rules = mc.resourceRules ?? [];
    const podPolicy = rules.some((r) => has(r.apiGroups, '') && has(r.resources, 'pods'));
    const controllerNames = podPolicy ? (spec.autogen?.podControllers?.controllers ?? []) : [];
    const controllers = new Set(Object.keys(POD_TEMPLATE_PATHS).filter((k) => controllerNames.includes(k.split('/')[1])));
    const families: Family[] = ['direct'];
    if ([...controllers].some((c) => POD_TEMPLATE_PATHS[c] === 'template')) families.push('template');
    if ([...controllers].some((c) => POD_TEMPLATE_PATHS[c] === 'cronjob')) families.push('cronjob');
    const programs: Partial<Record<Family, Programs>> = {};
    // An ImageValidatingPolicy's variables and validations call Kyverno's image functions: only its matching is evaluated.
    const admissionOnly = m.kind === 'ImageValidatingPolicy';
    for (const family of families) {
      const c = (expr: string, where: string) => compile(autogenExpression(expr, family), `ValidatingPolicy/${name}: ${where}`);
      const variables = (spec.variables ?? []).map((x) => [x.name, autogenExpression(x.expression, family)]);
      const signature = JSON.stringify(variables);
      if (!this.variablesKeys.has(signature)) this.variablesKeys.set(signature, this.variablesKeys.size);
      programs[family] = {
        matchConditions: (spec.matchConditions ?? []).map((x, i) => ({
          name: x.name,
          step: `matchCondition ${x.name}`,
          ...this.memoSlot(c(x.expression, `spec.matchConditions[${i}]`)),
        })),
        variables: (admissionOnly ? [] : (spec.variables ?? [])).map((x, i) => ({
          name: x.name,
          step: `variable ${x.name}`,
          ...this.memoSlot(c(x.expression, `spec.variables[${i}]`)),
          shared: !/\bvariables\b/.test(x.expression),
        })),
        variablesKey: this.variablesKeys.get(signature)!,
        validations: (admissionOnly ? [] : (spec.validations ?? [])).map((x, i) => ({
          step: `validation ${i}`,
          program: c(x.expression, `spec.validations[${i}].expression`),
          message: x.message ?? `failed expression: ${x.expression}`,
          ...(x.messageExpression ? { messageProgram: c(x.messageExpression, `spec.validations[${i}].messageExpression`) } : {}),
        })),
      };
    }
    const actions = spec.validationActions ?? [];
    return {
      name,
      ref: `${m.kind}/${name}`,
      admissionOnly,
      template: labels['krate.a5c.ai/policy-template'] ?? name,
      pack: labels['krate.a5c.ai/policy-pack'] ?? '',
      mode: actions.includes('Deny') ? 'Enforce' : 'Audit',
      rules,
      excludeRules: mc.excludeResourceRules ?? [],
      namespaceSelector: mc.namespaceSelector,
      objectSelector: mc.objectSelector,
      controllers,
      programs,
      exceptions: [],
      namespaceCache: new Map(),
      familyCache: new Map(),
      namesMatter: [...rules, ...(mc.excludeResourceRules ?? [])].some((r) => (r.resourceNames ?? []).length > 0),
    };
  }

  /**
   * Scans manifests: one result per (policy, matching resource). Namespace objects among them
   * supply namespace labels for namespaceSelector (every namespace also carries
   * `kubernetes.io/metadata.name`); a namespaced object without a namespace is in `default`.
   * `options.namespaces`: Namespace objects known from elsewhere (a cluster snapshot); the
   * scanned objects' own Namespaces win.
   */
  scan(items: readonly SourcedManifest[], options: { readonly namespaces?: readonly Manifest[] } = {}): ScanReport {
    const namespaces = new Map<string, Manifest>();
    for (const manifest of options.namespaces ?? []) namespaces.set(manifest.metadata.name, manifest);
    for (const { manifest } of items)
      if (manifest.kind === 'Namespace' && manifest.apiVersion === 'v1') namespaces.set(manifest.metadata.name, manifest);
    const celNamespaces = new Map<string, unknown>();
    // What a resource type's objects share, worked out once per (apiVersion, kind): group, version,
    // resource, scope, pod-controller family, and which policies apply per namespace (the
    // namespaces' labels are fixed for the scan, so every later object of that type and namespace reuses it).
    const types = new Map<string, Map<string, TypeInfo>>();
    const results: ScanResult[] = [];
    const summary: ScanSummary = { pass: 0, fail: 0, skip: 0, error: 0 };
    // CEL is side-effect free: an identical program on the same object gives the same value, so
    // matchConditions and variables lists shared by several policies are evaluated once per object.
    // Forgotten per object by a stamp, without allocating.
    const memo = new ObjectMemo<unknown>(this.memoSlots.size);
    const withVariables = new ObjectMemo<CelContext | Outcome>(this.variablesKeys.size);
    for (let n = 0; n < items.length; n++) {
      const manifest = items[n].manifest;
      let byKind = types.get(manifest.apiVersion);
      if (!byKind) types.set(manifest.apiVersion, (byKind = new Map()));
      let type = byKind.get(manifest.kind);
      if (!type) byKind.set(manifest.kind, (type = typeInfo(manifest.apiVersion, manifest.kind)));
      const name = manifest.metadata?.name ?? '';
      const namespace = type.clusterScoped ? '' : (manifest.metadata.namespace ?? 'default');
      const nsName = type.isNamespace ? name : namespace;
      let plan = type.plans.get(nsName);
      if (!plan) type.plans.set(nsName, (plan = this.plan(type, nsName, namespaces)));
      if (plan.length === 0) continue;
      const { group, version } = type;
      let resource: ScanResult['resource'] | undefined;
      let context: CelContext | undefined;
      for (let i = 0; i < plan.length; i++) {
        const { p, family: planned } = plan[i];
        let programs = plan[i].programs;
        if (!programs) {
          const family = planned ?? this.familyOf(p, group, version, type.resource, name);
          if (!family) continue;
          programs = p.programs[family]!;
        }
        if (p.objectSelector && !selectorMatches(p.objectSelector, (manifest.metadata.labels ?? {}) as Record<string, string>)) continue;
        if (!context) {
          if (!celNamespaces.has(nsName)) celNamespaces.set(nsName, namespaces.has(nsName) ? toCelValue(namespaces.get(nsName)) : null);
          // One conversion per object, shared by every policy. A pod controller is seen as the API
          // server serializes it (with its pod template's metadata), whichever policy asks.
          context = {
            object: toCelValue(type.controller ? withTemplateMetadata(manifest, type.controller) : manifest),
            oldObject: null,
            namespaceObject: celNamespaces.get(nsName),
            request: {
              operation: 'CREATE',
              name,
              namespace,
              kind: type.requestKind,
              resource: type.requestResource,
            },
          };
          if (this.bindings) Object.assign(context, this.bindings);
          memo.next();
          withVariables.next();
        }
        const outcome = this.evaluate(p, programs, context, memo, withVariables);
        if (!outcome) continue;
        // Spelled out: one keyed update with four possible keys cost more than the branches.
        const result = outcome.result;
        if (result === 'pass') summary.pass++;
        else if (result === 'fail') summary.fail++;
        else if (result === 'skip') summary.skip++;
        else summary.error++;
        // An object with only generateName is named by that prefix (the API server picks the rest).
        resource ??= { apiVersion: manifest.apiVersion, kind: manifest.kind, namespace, name: name || objectName(manifest) };
        results.push({
          policy: p.name,
          template: p.template,
          pack: p.pack,
          mode: p.mode,
          resource,
          result: outcome.result,
          message: outcome.message,
        });
      }
    }
    return { results, summary };
  }

  /** The policies that may apply to objects of this type in this namespace, in policy order. */
  private plan(type: TypeInfo, nsName: string, namespaces: ReadonlyMap<string, Manifest>): Candidate[] {
    const { group, version, resource } = type;
    const plan: Candidate[] = [];
    for (const p of this.byResource.get(`${group}/${resource}`) ?? []) {
      if (nsName !== '' && !this.namespaceMatches(p, nsName, namespaces)) continue;
      if (p.namesMatter) plan.push({ p, family: undefined, programs: undefined });
      else {
        const family = this.familyOf(p, group, version, resource, '');
        if (family) plan.push({ p, family, programs: p.programs[family]! });
      }
    }
    return plan;
  }

  /** How a policy applies to a resource type: directly, through autogen, or not at all (cached when names do not matter). */
  private familyOf(p: CompiledPolicy, group: string, version: string, resource: string, name: string): Family | undefined {
    const key = `${group}/${version}/${resource}`;
    if (p.familyCache.has(key)) return p.familyCache.get(key);
    let family: Family | undefined;
    if (
      p.rules.some((r) => ruleMatches(r, group, version, resource, name)) &&
      !p.excludeRules.some((r) => ruleMatches(r, group, version, resource, name))
    )
      family = 'direct';
    else if (p.controllers.has(`${group}/${resource}`) && version === 'v1') family = POD_TEMPLATE_PATHS[`${group}/${resource}`];
    if (!p.namesMatter) p.familyCache.set(key, family);
    return family;
  }

  private namespaceMatches(p: CompiledPolicy, ns: string, namespaces: ReadonlyMap<string, Manifest>): boolean {
    if (!p.namespaceSelector) return true;
    const cached = p.namespaceCache.get(ns);
    if (cached !== undefined && !namespaces.has(ns)) return cached;
    const labels = { ...((namespaces.get(ns)?.metadata.labels ?? {}) as Record<string, string>), 'kubernetes.io/metadata.name': ns };
    const ok = selectorMatches(p.namespaceSelector, labels);
    if (!namespaces.has(ns)) p.namespaceCache.set(ns, ok);
    return ok;
  }

  /** Evaluates one policy on one object; undefined when its matchConditions exclude the object. */
  private evaluate(
    p: CompiledPolicy,
    programs: Programs,
    base: CelContext,
    memo: ObjectMemo<unknown>,
    withVariables: ObjectMemo<CelContext | Outcome>,
  ): Outcome | undefined {
    let step = 'matchConditions';
    let failed: string | undefined; // the messages of failed validations, joined by spaces
    try {
      for (const c of programs.matchConditions) {
        step = c.step;
        let ok = memo.get(c.slot);
        if (ok === undefined) memo.set(c.slot, (ok = c.program(base)));
        if (ok !== true) return undefined;
      }
      for (const ex of p.exceptions) {
        step = ex.step;
        if (ex.matchConditions.every((c) => c.program(base) === true))
          return { result: 'skip', message: `exempted by PolicyException ${ex.id}` };
      }
      if (p.admissionOnly) return { result: 'skip', message: ADMISSION_ONLY_MESSAGE };
      let context = base;
      if (programs.variables.length > 0) {
        const shared = withVariables.get(programs.variablesKey);
        if (shared === undefined) {
          const variables: Record<string, unknown> = {};
          // Spelled out: an object spread here costs more than the variables themselves.
          context = {
            object: base.object,
            oldObject: base.oldObject,
            namespaceObject: base.namespaceObject,
            request: base.request,
            variables,
          };
          if (this.bindings) Object.assign(context, this.bindings);
          try {
            for (const v of programs.variables) {
              step = v.step;
              // A variable that reads only the object (e.g. allContainers) is shared by every list on this object.
              let value = v.shared ? memo.get(v.slot) : undefined;
              if (value === undefined) {
                value = v.program(context);
                if (v.shared) memo.set(v.slot, value);
              }
              variables[v.name] = value;
            }
          } catch (e) {
            const failed: Outcome =
              e instanceof ClusterReadError
                ? { result: 'skip', message: `${step}: ${e.message}` }
                : { result: 'error', message: `${step}: ${(e as Error).message.split('\n')[0]}` };
            withVariables.set(programs.variablesKey, failed);
            return failed;
          }
          withVariables.set(programs.variablesKey, context);
        } else if ('result' in shared) {
          return shared;
        } else {
          context = shared;
        }
      }
      for (const v of programs.validations) {
        step = v.step;
        const ok = v.program(context);
        if (ok === true) continue;
        if (ok !== false) return { result: 'error', message: `${step}: expression returned ${typeof ok}, not a bool` };
        let message = v.message;
        if (v.messageProgram) {
          try {
            const m = v.messageProgram(context);
            if (typeof m === 'string' && m.trim() !== '') message = m;
          } catch {
            // Kubernetes falls back to the static message when messageExpression fails.
          }
        }
        failed = failed === undefined ? message : `${failed} ${message}`;
      }
      return failed === undefined ? PASS : { result: 'fail', message: failed };
    } catch (e) {
      // A validation that reads the cluster: a failure already found stands, otherwise Kyverno decides.
      if (e instanceof ClusterReadError)
        return failed !== undefined ? { result: 'fail', message: failed } : { result: 'skip', message: `${step}: ${e.message}` };
      return { result: 'error', message: `${step}: ${(e as Error).message.split('\n')[0]}` };
    }
  }
}

/**
 * True when the scan fails (exit code 1): an enforce-mode policy failed, or any policy, in either
 * mode, could not be evaluated (an `error` result is never a pass). Audit failures are reported only.
 */
export function scanFails(report: ScanReport): boolean {
  return report.results.some((r) => r.result === 'error' || (r.mode === 'Enforce' && r.result === 'fail'));
}

/**
 * The report as `wgpolicyk8s.io/v1alpha2` reports, as Kyverno writes them: one PolicyReport per
 * namespaced resource and one ClusterPolicyReport per cluster-scoped resource, `scope` naming it.
 */
export function toPolicyReports(report: ScanReport, policies: readonly Manifest[], now: Date): Manifest[] {
  const annotations = new Map(policies.map((p) => [p.metadata.name, (p.metadata.annotations ?? {}) as Record<string, string>]));
  const byResource = new Map<string, ScanResult[]>();
  for (const r of report.results) {
    const key = `${r.resource.apiVersion}|${r.resource.kind}|${r.resource.namespace}|${r.resource.name}`;
    byResource.set(key, [...(byResource.get(key) ?? []), r]);
  }
  const seconds = Math.floor(now.getTime() / 1000);
  return [...byResource.values()].map((results) => {
    const { resource } = results[0];
    const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of results) summary[r.result]++;
    const name = `krate-scan-${resource.kind.toLowerCase()}-${resource.name}`.slice(0, 253);
    return {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: resource.namespace ? 'PolicyReport' : 'ClusterPolicyReport',
      metadata: {
        name,
        ...(resource.namespace ? { namespace: resource.namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
      },
      scope: {
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        name: resource.name,
        ...(resource.namespace ? { namespace: resource.namespace } : {}),
      },
      results: results.map((r) => {
        const a = annotations.get(r.policy) ?? {};
        return {
          policy: r.policy,
          result: r.result,
          message: r.message,
          scored: true,
          source: 'KyvernoValidatingPolicy',
          ...(a['policies.kyverno.io/severity'] ? { severity: a['policies.kyverno.io/severity'] } : {}),
          ...(a['policies.kyverno.io/category'] ? { category: a['policies.kyverno.io/category'] } : {}),
          properties: { process: 'background scan', template: r.template, mode: r.mode.toLowerCase() },
          timestamp: { seconds, nanos: 0 },
        };
      }),
      summary,
    } as Manifest;
  });
}

/**
 * Kyverno honours PolicyExceptions only in `features.policyExceptions.namespace` (the
 * environment's kyverno.policyNamespace): drops exceptions anywhere else, as the cluster would.
 */
export function honouredExceptionsOnly(manifests: readonly Manifest[], namespace: string): Manifest[] {
  return manifests.filter((m) => m.kind !== 'PolicyException' || m.metadata.namespace === namespace);
}
