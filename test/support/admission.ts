// Offline admission by a rendered ValidatingAdmissionPolicy, as the API server decides it: the
// policy's matchConstraints pick the request, its matchConditions must all hold, its variables are
// bound in order and every validation must return true. Expressions run on the project's CEL engine
// (analysis/cel over lib/cel.ts); whether they compile in Kubernetes' typed environment is checked
// by synth/cel-check.ts, which the tests call too.
import type { Environment } from '@marcbachmann/cel-js';
import { CelEngine, toCelValue } from '../../analysis/cel';
import type { Manifest } from '../../lib/manifests';

interface NamedExpression {
  readonly name: string;
  readonly expression: string;
}
interface ResourceRule {
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly operations?: readonly string[];
  readonly resources?: readonly string[];
}
/** The fields of a ValidatingAdmissionPolicy spec this evaluator reads. */
export interface VapSpec {
  readonly failurePolicy?: string;
  readonly matchConstraints?: {
    readonly matchPolicy?: string;
    readonly resourceRules?: readonly ResourceRule[];
    readonly excludeResourceRules?: readonly ResourceRule[];
  };
  readonly matchConditions?: readonly NamedExpression[];
  readonly variables?: readonly NamedExpression[];
  readonly validations?: readonly { readonly expression: string; readonly message?: string }[];
}

/** One admission request, as the API server hands it to a policy (the fields these policies read). */
export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** `group/version/resource`, e.g. `kyverno.io/v2/policyexceptions` (`v1/pods` for the core group). */
  readonly resource: string;
  readonly namespace?: string;
  readonly username: string;
  readonly groups?: readonly string[];
  /** The new object (null on DELETE). */
  readonly object?: unknown;
  /** The object before the request (null on CREATE). */
  readonly oldObject?: unknown;
}

/** What the policy decided: not matched, or matched and allowed, or denied with the failed validations' messages. */
export type AdmissionDecision = { readonly matched: false } | { readonly matched: true; readonly denied: readonly string[] };

const engine = new CelEngine();

const covers = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);
const ruleMatches = (r: ResourceRule, group: string, version: string, resource: string, operation: string): boolean =>
  covers(r.apiGroups, group) && covers(r.apiVersions, version) && covers(r.resources, resource) && covers(r.operations, operation);

/** Splits `group/version/resource` (or `version/resource` for the core group). */
export function parseResource(gvr: string): { readonly group: string; readonly version: string; readonly resource: string } {
  const parts = gvr.split('/');
  return parts.length === 2
    ? { group: '', version: parts[0], resource: parts[1] }
    : { group: parts[0], version: parts[1], resource: parts[2] };
}

/**
 * True when the policy's resource rules name this group, version, resource and operation
 * themselves (matchPolicy Exact); Equivalent matching of other versions is not assumed here, so a
 * test proves each version is listed.
 */
export function vapMatches(spec: VapSpec, gvr: string, operation: string): boolean {
  const { group, version, resource } = parseResource(gvr);
  const m = spec.matchConstraints ?? {};
  return (
    (m.resourceRules ?? []).some((r) => ruleMatches(r, group, version, resource, operation)) &&
    !(m.excludeResourceRules ?? []).some((r) => ruleMatches(r, group, version, resource, operation))
  );
}

/** Evaluates one expression; an error is a denial under failurePolicy Fail, so it is returned as one. */
function run(expression: string, context: Record<string, unknown>): unknown {
  try {
    return engine.compile(expression)(context);
  } catch (e) {
    return new Error(`${expression}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The decision of the ValidatingAdmissionPolicy `vap` on `req`. */
export function admit(vap: Manifest, req: AdmissionRequest): AdmissionDecision {
  const spec = vap.spec as VapSpec;
  if (!vapMatches(spec, req.resource, req.operation)) return { matched: false };
  const { group, version, resource } = parseResource(req.resource);
  const context: Record<string, unknown> = {
    object: req.operation === 'DELETE' ? null : toCelValue(req.object ?? null),
    oldObject: req.operation === 'CREATE' ? null : toCelValue(req.oldObject ?? null),
    request: {
      operation: req.operation,
      namespace: req.namespace ?? '',
      resource: { group, version, resource },
      userInfo: { username: req.username, uid: '', groups: [...(req.groups ?? [])], extra: {} },
      dryRun: false,
    },
  };
  const fail = spec.failurePolicy !== 'Ignore';
  for (const c of spec.matchConditions ?? []) {
    const v = run(c.expression, context);
    if (v instanceof Error) return fail ? { matched: true, denied: [v.message] } : { matched: false };
    if (v !== true) return { matched: false };
  }
  const variables: Record<string, unknown> = {};
  for (const v of spec.variables ?? []) variables[v.name] = run(v.expression, { ...context, variables });
  const denied: string[] = [];
  for (const v of spec.validations ?? []) {
    // A variable that errored makes the validations reading it error too.
    const broken = Object.entries(variables).find(([name, x]) => x instanceof Error && v.expression.includes(`variables.${name}`));
    const got = broken ? broken[1] : run(v.expression, { ...context, variables });
    if (got instanceof Error) denied.push(`error: ${got.message}`);
    else if (got !== true) denied.push(v.message ?? v.expression);
  }
  return { matched: true, denied: fail ? denied : denied.filter((d) => !d.startsWith('error: ')) };
}

/** A CRD's x-kubernetes-validations rule on `self` (and `oldSelf`, for a transition rule), on the project's CEL engine. */
const crdEngine = new CelEngine({
  extend: (env: Environment) => {
    env.registerVariable('self', 'dyn');
    env.registerVariable('oldSelf', 'dyn');
  },
});

/** Evaluates a CRD validation rule: true when the API server would accept the value. */
export function crdRuleHolds(rule: string, self: unknown, oldSelf?: unknown): unknown {
  const context = { self: toCelValue(self), ...(oldSelf === undefined ? {} : { oldSelf: toCelValue(oldSelf) }) };
  return crdEngine.compile(rule)(context as Record<string, unknown>);
}
