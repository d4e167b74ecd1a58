// Type-checks every CEL expression synth renders, with the rules Kyverno (and Kubernetes, for a
// ValidatingAdmissionPolicy or a CRD's validation rules) apply when the object is created: a policy or exception they would
// refuse fails synth, naming the object, the field and the source to edit.
import type { Environment } from '@marcbachmann/cel-js';
import { GENERATED_CONDITIONS } from '../config/exceptions';
import { celEnvironment, celResultProblem, celTypeOf, type CelScope } from '../lib/cel';
import { ConfigError } from '../lib/errors';
import type { Manifest } from '../lib/manifests';

/** A rendered object and where it renders: `<env>/<app>`. */
export interface CelCheckTarget {
  readonly env: string;
  readonly app: string;
  readonly manifest: Manifest;
}

type Spec = Readonly<Record<string, unknown>>;
type Expected = readonly string[] | 'any';

const BOOL: Expected = ['bool'];
const STRING: Expected = ['string'];
/** auditAnnotations[].valueExpression: a string, or null for no annotation. */
const ANNOTATION: Expected = ['string', 'null'];
/** A CRD rule and its messageExpression: self is dyn offline (typed from the schema in the API server). */
const CRD_RULE: Expected = ['bool', 'dyn'];
const CRD_MESSAGE: Expected = ['string', 'dyn'];
/** An ImageValidatingPolicy's images[].expression (Kyverno accepts list<string>, list<dyn> and dyn; cel-js prints list<dyn> as list). */
const IMAGES: Expected = ['list<string>', 'list<dyn>', 'list', 'dyn'];

const KYVERNO_POLICIES: Readonly<Record<string, CelScope>> = {
  ValidatingPolicy: 'ValidatingPolicy',
  NamespacedValidatingPolicy: 'ValidatingPolicy',
  ImageValidatingPolicy: 'ImageValidatingPolicy',
  NamespacedImageValidatingPolicy: 'ImageValidatingPolicy',
};
const KYVERNO_GROUP = 'policies.kyverno.io/';

/** The typed `variables` of one policy: each variable's expression, checked in order, gives its type. */
interface CompiledVariables {
  readonly types: Readonly<Record<string, string>>;
}

const list = (v: unknown): Spec[] => (Array.isArray(v) ? v.filter((x): x is Spec => typeof x === 'object' && x !== null) : []);
/** The value at a path of nested objects (undefined when any step is missing). */
const dig = (v: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Spec)[k] : undefined), v);

class Checker {
  readonly problems: string[] = [];

  constructor(
    private readonly target: CelCheckTarget,
    private readonly scopeName: string,
    private readonly source: (field: string) => string | undefined,
  ) {}

  /** Checks one expression; `field` is its path under the object, e.g. `spec.validations[0].expression`. */
  expect(env: Environment, field: string, expression: unknown, types: Expected): void {
    if (typeof expression !== 'string') return;
    const problem = celResultProblem(env, expression, types);
    if (!problem) return;
    const { env: envName, app, manifest } = this.target;
    const ns = manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : '';
    const message =
      problem.kind === 'compile' ? `does not compile in the CEL environment of ${this.scopeName}: ${problem.message}` : problem.message;
    const source = this.source(field);
    this.problems.push(
      `${envName}/${app}/${manifest.kind}/${ns}${manifest.metadata.name}: ${field}: ${message}${source ? ` (${source})` : ''}`,
    );
  }

  /** Checks `spec.variables` in order; each one's type is visible to the next and to everything after. */
  variables(scope: CelScope, spec: Spec, options: { readonly params?: boolean } = {}): CompiledVariables {
    const types: Record<string, string> = {};
    list(spec.variables).forEach((v, i) => {
      const env = celEnvironment(scope, { ...options, variables: types });
      const field = `spec.variables[${i}].expression`;
      this.expect(env, field, v.expression, 'any');
      const got = typeof v.expression === 'string' ? celTypeOf(env, v.expression) : undefined;
      if (typeof v.name === 'string') types[v.name] = got && 'type' in got ? got.type : 'dyn';
    });
    return { types };
  }

  validations(env: Environment, spec: Spec): void {
    list(spec.validations).forEach((v, i) => {
      this.expect(env, `spec.validations[${i}].expression`, v.expression, BOOL);
      this.expect(env, `spec.validations[${i}].messageExpression`, v.messageExpression, STRING);
    });
    list(spec.auditAnnotations).forEach((a, i) =>
      this.expect(env, `spec.auditAnnotations[${i}].valueExpression`, a.valueExpression, ANNOTATION),
    );
  }
}

/** The source file (and path in it) a rendered field comes from, when synth knows it. */
function sourceOf(manifest: Manifest): (field: string) => string | undefined {
  const labels = (manifest.metadata.labels ?? {}) as Readonly<Record<string, string>>;
  const annotations = (manifest.metadata.annotations ?? {}) as Readonly<Record<string, string>>;
  if (manifest.kind === 'PolicyException' && labels['app.kubernetes.io/managed-by'] === 'krate-policy-gitops') {
    const conditions = list((manifest.spec as Spec | undefined)?.matchConditions);
    const generated: Record<string, string> = { [GENERATED_CONDITIONS.namespaces]: 'namespaces', [GENERATED_CONDITIONS.names]: 'names' };
    const own = conditions.filter((c) => !(String(c.name) in generated));
    return (field) => {
      const i = Number(/^spec\.matchConditions\[(\d+)\]/.exec(field)?.[1] ?? -1);
      const c = conditions[i];
      if (!c) return 'environments/exceptions.ts';
      const key = generated[String(c.name)] ?? `conditions[${own.indexOf(c)}]`;
      return `environments/exceptions.ts: exceptions.${manifest.metadata.name}.${key}`;
    };
  }
  const template = annotations['krate.a5c.ai/policy-template'] ?? labels['krate.a5c.ai/policy-template'];
  if (template) return () => `template ${template}`;
  const chart = labels['helm.sh/chart'];
  if (chart) return () => `chart ${chart}`;
  return () => undefined;
}

function checkKyvernoPolicy(c: Checker, scope: CelScope, spec: Spec): CompiledVariables {
  // Kyverno compiles matchConditions (and an image policy's image extractors) before the variables.
  const before = celEnvironment(scope);
  list(spec.matchConditions).forEach((m, i) => c.expect(before, `spec.matchConditions[${i}].expression`, m.expression, BOOL));
  if (scope === 'ImageValidatingPolicy') {
    const ref = celEnvironment('MatchImageReference');
    list(spec.matchImageReferences).forEach((m, i) => c.expect(ref, `spec.matchImageReferences[${i}].expression`, m.expression, BOOL));
    list(spec.images).forEach((m, i) => c.expect(before, `spec.images[${i}].expression`, m.expression, IMAGES));
  }
  const variables = c.variables(scope, spec);
  const env = celEnvironment(scope, { variables: variables.types });
  if (scope === 'ImageValidatingPolicy') {
    list(spec.attestors).forEach((a, i) => {
      const at = `spec.attestors[${i}]`;
      const fields = [
        'cosign.key.expression',
        'cosign.certificate.certificate.expression',
        'cosign.certificate.certificateChain.expression',
        'cosign.trustedRoot.expression',
        'notary.certs.expression',
        'notary.tsaCerts.expression',
      ];
      for (const field of fields) c.expect(env, `${at}.${field}`, dig(a, ...field.split('.')), 'any');
    });
  }
  c.validations(env, spec);
  return variables;
}

/** A CRD's validation rules (x-kubernetes-validations) at every schema node of every version: rules bool, messageExpressions string (or dyn). */
function checkCrdRules(c: Checker, spec: Spec): void {
  const env = celEnvironment('CustomResourceRule');
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Spec;
    list(schema['x-kubernetes-validations']).forEach((v, i) => {
      // The API server types self from the schema; here it is dyn, so a dyn result may well be a bool there.
      c.expect(env, `${path}.x-kubernetes-validations[${i}].rule`, v.rule, CRD_RULE);
      c.expect(env, `${path}.x-kubernetes-validations[${i}].messageExpression`, v.messageExpression, CRD_MESSAGE);
    });
    const properties = schema.properties;
    if (typeof properties === 'object' && properties !== null)
      for (const [name, child] of Object.entries(properties)) walk(child, `${path}.properties.${name}`);
    walk(schema.items, `${path}.items`);
    walk(schema.additionalProperties, `${path}.additionalProperties`);
  };
  list(spec.versions).forEach((v, i) => walk(dig(v, 'schema', 'openAPIV3Schema'), `spec.versions[${i}].schema.openAPIV3Schema`));
}

/**
 * Every problem Kyverno (or Kubernetes) would report when the rendered CEL is created, one line
 * each: `<env>/<app>/<Kind>/<namespace>/<name>: <field>: <reason> (<source>)`.
 */
export function celProblems(targets: readonly CelCheckTarget[]): string[] {
  const problems: string[] = [];
  // Kyverno compiles a PolicyException's conditions in the environment of each policy it names.
  const policies = new Map<string, { readonly scope: CelScope; readonly variables: CompiledVariables }>();
  for (const target of targets) {
    const { manifest } = target;
    const spec = (manifest.spec ?? {}) as Spec;
    const scope = manifest.apiVersion.startsWith(KYVERNO_GROUP) ? KYVERNO_POLICIES[manifest.kind] : undefined;
    if (scope) {
      const c = new Checker(target, `Kyverno's ${manifest.kind}`, sourceOf(manifest));
      policies.set(`${target.env}\0${manifest.kind}\0${manifest.metadata.name}`, { scope, variables: checkKyvernoPolicy(c, scope, spec) });
      problems.push(...c.problems);
    } else if (manifest.apiVersion === 'admissionregistration.k8s.io/v1' && manifest.kind === 'ValidatingAdmissionPolicy') {
      const c = new Checker(target, "Kubernetes' ValidatingAdmissionPolicy", sourceOf(manifest));
      const params = spec.paramKind !== undefined;
      const variables = c.variables('ValidatingAdmissionPolicy', spec, { params });
      const env = celEnvironment('ValidatingAdmissionPolicy', { params, variables: variables.types });
      list(spec.matchConditions).forEach((m, i) => c.expect(env, `spec.matchConditions[${i}].expression`, m.expression, BOOL));
      c.validations(env, spec);
      problems.push(...c.problems);
    } else if (manifest.apiVersion === 'apiextensions.k8s.io/v1' && manifest.kind === 'CustomResourceDefinition') {
      const c = new Checker(target, "Kubernetes' CustomResourceDefinition validation rules", sourceOf(manifest));
      checkCrdRules(c, spec);
      problems.push(...c.problems);
    }
  }
  for (const target of targets) {
    const { manifest } = target;
    if (!manifest.apiVersion.startsWith(KYVERNO_GROUP) || manifest.kind !== 'PolicyException') continue;
    const spec = (manifest.spec ?? {}) as Spec;
    const refs = list(spec.policyRefs).map((r) => policies.get(`${target.env}\0${r.kind ?? 'ValidatingPolicy'}\0${r.name}`));
    const envs = refs.filter((r) => r !== undefined).map((r) => celEnvironment(r.scope, { variables: r.variables.types }));
    const c = new Checker(target, "Kyverno's PolicyException", sourceOf(manifest));
    for (const env of envs.length > 0 ? envs : [celEnvironment('PolicyException')]) {
      list(spec.matchConditions).forEach((m, i) => c.expect(env, `spec.matchConditions[${i}].expression`, m.expression, BOOL));
    }
    problems.push(...new Set(c.problems));
  }
  return problems;
}

/** Throws a ConfigError listing every rendered CEL expression Kyverno or Kubernetes would refuse. */
export function checkRenderedCel(targets: readonly CelCheckTarget[]): void {
  const problems = celProblems(targets);
  if (problems.length > 0) throw new ConfigError(problems);
}
