// `krate-policy import`: an existing Kyverno policy as a template of this repository. A
// policies.kyverno.io ValidatingPolicy (v1alpha1, v1beta1 or v1) keeps its CEL and its match
// settings as they are; a legacy kyverno.io ClusterPolicy whose rules are all `validate.cel`
// converts mechanically (match/exclude → matchConstraints, celPreconditions → matchConditions).
// What the repository decides itself is dropped with a note: validationActions and failurePolicy
// (the ladder), the name (krate-{org}-{scope}-{template}), labels. Anything that cannot be carried
// over faithfully is refused (ImportRefusal) with the rule or field, why, and what to do.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { canAutogen } from '../analysis/kyverno-test/engine';
import { ConfigError, show } from '../lib/errors';
import { builtInApiVersions, groupOf, KindResolver, versionOf } from '../lib/kinds';
import { isDnsLabel } from '../lib/kubernetes-names';
import type { LabelSelector } from '../lib/manifests';
import { didYouMean } from '../lib/suggest';
import { KRATE_GROUP, KRATE_RESOURCES, KRATE_VERSION, type KrateKind } from '../policies/krate-resource';
import { PACK_CATEGORIES, POLICY_PACKS, type PolicyPackName } from '../policies/packs';
import { POD_CONTROLLERS } from '../policies/render';
import type {
  AuditAnnotation,
  Evaluation,
  KrateSurface,
  NamedExpression,
  PodController,
  PolicyTemplate,
  ResourceRule,
  Validation,
} from '../policies/template';
import { KRATE_SURFACES } from './scaffold';
import { printProperties, type SourceValue } from './ts-source';

/** A policy import refuses: exit 1, nothing written. Each problem names the rule or field, why, and what to do. */
export class ImportRefusal extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ImportRefusal';
  }
}

type Data = { readonly [key: string]: unknown };
export const isObject = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The value at a path of nested mappings (undefined when a step is missing or not a mapping). */
export const dig = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), v);
const nameOf = (d: Data): unknown => dig(d, 'metadata', 'name');

/** The CEL a template renders, as data (an imported template has no parameters). */
export interface ImportedBody {
  readonly matchConditions?: readonly NamedExpression[];
  readonly variables?: readonly NamedExpression[];
  readonly validations: readonly Validation[];
  readonly auditAnnotations?: readonly AuditAnnotation[];
}

/** Everything an imported template.ts declares: a PolicyTemplate without parameters, its body as data. */
export type ImportedTemplate = Omit<PolicyTemplate, 'body' | 'parameters' | 'kind'> & { readonly body: ImportedBody };

/** Where an imported template came from. */
export interface ImportOrigin {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

export interface ImportResult {
  readonly template: ImportedTemplate;
  readonly origin: ImportOrigin;
  /** What was dropped or decided, one line each (printed by the command). */
  readonly notes: readonly string[];
}

export interface ImportRequest {
  /** The policy file, as the user named it (messages show it so). */
  readonly file: string;
  /** `--name`: selects the policy by metadata.name in a file of several, or names the template of the only one. */
  readonly name?: string;
  /** `--pack`. @default from the category annotation, Krate kinds, else best-practices */
  readonly pack?: string;
}

export const VALIDATING_POLICY_VERSIONS = ['policies.kyverno.io/v1alpha1', 'policies.kyverno.io/v1beta1', 'policies.kyverno.io/v1'];
const LEGACY_VERSIONS = ['kyverno.io/v1', 'kyverno.io/v2beta1'];
const ANNOTATIONS = {
  title: 'policies.kyverno.io/title',
  category: 'policies.kyverno.io/category',
  severity: 'policies.kyverno.io/severity',
  subject: 'policies.kyverno.io/subject',
  description: 'policies.kyverno.io/description',
  autogen: 'pod-policies.kyverno.io/autogen-controllers',
} as const;
const SEVERITIES = ['low', 'medium', 'high'] as const;
const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*'];
/** What to tell the user whose policy cannot be a template. */
const KEEP_AS_IS =
  'or keep the policy as it is, outside the ladder: apply it with Kyverno and test it with the Kyverno CLI (`kyverno test`); this repository evaluates CEL policies only (`krate-policy test`, `scan --policy`)';
const REWRITE = 'rewrite the rule in CEL (a ValidatingPolicy, or a ClusterPolicy rule with validate.cel) and import that';

/** The YAML documents of the policy file; a problem names file and document. */
function readDocuments(file: string): Data[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder; name the policy file' : `cannot read: ${(e as Error).message}`}`,
    ]);
  }
  const docs: Data[] = [];
  const problems: string[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      problems.push(`${file}: document ${i}: YAML error: ${doc.errors[0].message.split('\n')[0]} (fix the YAML syntax)`);
      return;
    }
    const v = doc.toJS({ maxAliasCount: 1000 });
    if (v === null || v === undefined) return;
    if (isObject(v) && v.kind === 'List' && Array.isArray(v.items)) docs.push(...v.items.filter(isObject));
    else if (isObject(v)) docs.push(v);
    else problems.push(`${file}: document ${i}: not a Kubernetes object`);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}

const isKyvernoPolicy = (d: Data): boolean =>
  typeof d.apiVersion === 'string' &&
  typeof d.kind === 'string' &&
  (d.apiVersion.startsWith('policies.kyverno.io/') || d.apiVersion.startsWith('kyverno.io/')) &&
  d.kind !== 'PolicyException';

const describe = (d: Data): string => `${String(d.apiVersion)} ${String(d.kind)} ${String(nameOf(d) ?? '(no name)')}`;

/** The policy document to import, and the template name it gets. */
function selectPolicy(file: string, docs: readonly Data[], name: string | undefined): { doc: Data; name: string } {
  const policies = docs.filter(isKyvernoPolicy);
  if (policies.length === 0) {
    const found = docs.length === 0 ? 'nothing' : [...new Set(docs.map((d) => `${d.apiVersion ?? '?'} ${d.kind ?? '?'}`))].join(', ');
    throw new ConfigError([
      `${file}: not a policy (found ${found}); import takes a policies.kyverno.io ValidatingPolicy, or a kyverno.io ClusterPolicy whose rules are validate.cel`,
    ]);
  }
  const names = policies.map((d) => String(nameOf(d) ?? ''));
  if (name !== undefined) {
    const byName = policies.find((d) => nameOf(d) === name);
    if (byName) return { doc: byName, name };
    if (policies.length === 1) return { doc: policies[0], name };
    throw new ConfigError([
      `--name: ${file} holds no policy named '${name}'${didYouMean(name, names)} (its policies: ${names.join(', ')}); with several policies in one file, --name selects one by metadata.name`,
    ]);
  }
  if (policies.length > 1)
    throw new ConfigError([
      `${file}: holds ${policies.length} policies (${names.join(', ')}); a template is one policy: import them one at a time with --name <policy> (each becomes its own template, ladder entry and suite)`,
    ]);
  const own = nameOf(policies[0]);
  if (typeof own !== 'string' || own === '')
    throw new ConfigError([`${file}: ${describe(policies[0])} has no metadata.name; name the template with --name`]);
  return { doc: policies[0], name: own };
}

// ---------------------------------------------------------------------------------------------
// Shared checks of CEL lists and selectors.

class Collector {
  readonly refusals: string[] = [];
  readonly notes: string[] = [];
  constructor(readonly at: string) {}
  refuse(where: string, why: string): void {
    this.refusals.push(`${this.at}: ${where}: ${why}`);
  }
}

function strings(c: Collector, v: unknown, where: string, required: boolean): string[] | undefined {
  if (v === undefined || v === null) {
    if (required) c.refuse(where, 'missing (a list of strings)');
    return undefined;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    c.refuse(where, `${show(v)} is not a list of strings`);
    return undefined;
  }
  return v as string[];
}

function namedList(c: Collector, v: unknown, where: string): NamedExpression[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    c.refuse(where, 'not a list of {name, expression}');
    return [];
  }
  return v.flatMap((x, i) => {
    if (!isObject(x) || typeof x.name !== 'string' || typeof x.expression !== 'string' || x.name === '' || x.expression.trim() === '') {
      c.refuse(`${where}[${i}]`, 'needs a name and a CEL expression');
      return [];
    }
    return [{ name: x.name, expression: x.expression }];
  });
}

function validationList(c: Collector, v: unknown, where: string, fallbackMessage?: string): Validation[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    c.refuse(where, 'not a list of {expression, message}');
    return [];
  }
  return v.flatMap((x, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(x) || typeof x.expression !== 'string' || x.expression.trim() === '') {
      c.refuse(at, 'needs a CEL expression');
      return [];
    }
    for (const k of ['message', 'messageExpression', 'reason'])
      if (x[k] !== undefined && x[k] !== null && typeof x[k] !== 'string') c.refuse(`${at}.${k}`, `${show(x[k])} is not a string`);
    const unknown = Object.keys(x).filter((k) => !['expression', 'message', 'messageExpression', 'reason'].includes(k));
    if (unknown.length > 0)
      c.refuse(at, `${unknown.join(', ')}: not a field of a CEL validation (expression, message, messageExpression, reason)`);
    let message = typeof x.message === 'string' && x.message.trim() !== '' ? x.message : fallbackMessage;
    if (message === undefined) {
      // What Kubernetes reports for a validation without a message.
      message = `failed expression: ${x.expression.trim()}`;
      c.notes.push(`${at}: has no message; it gets the one Kubernetes reports without one ('${message}')`);
    }
    return [
      {
        expression: x.expression,
        message,
        ...(typeof x.messageExpression === 'string' && x.messageExpression !== '' ? { messageExpression: x.messageExpression } : {}),
        ...(typeof x.reason === 'string' && x.reason !== '' ? { reason: x.reason } : {}),
      },
    ];
  });
}

function auditAnnotationList(c: Collector, v: unknown, where: string): AuditAnnotation[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    c.refuse(where, 'not a list of {key, valueExpression}');
    return [];
  }
  return v.flatMap((x, i) => {
    if (!isObject(x) || typeof x.key !== 'string' || typeof x.valueExpression !== 'string') {
      c.refuse(`${where}[${i}]`, 'needs a key and a valueExpression');
      return [];
    }
    return [{ key: x.key, valueExpression: x.valueExpression }];
  });
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function selector(c: Collector, v: unknown, where: string): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || Object.keys(v).some((k) => k !== 'matchLabels' && k !== 'matchExpressions')) {
    c.refuse(where, `${show(v)} is not a label selector (matchLabels, matchExpressions)`);
    return undefined;
  }
  const labels = v.matchLabels ?? {};
  if (!isObject(labels) || Object.values(labels).some((x) => typeof x !== 'string')) {
    c.refuse(`${where}.matchLabels`, 'not a map of label values');
    return undefined;
  }
  const expressions = v.matchExpressions ?? [];
  const ok =
    Array.isArray(expressions) &&
    expressions.every(
      (e) =>
        isObject(e) &&
        typeof e.key === 'string' &&
        typeof e.operator === 'string' &&
        SELECTOR_OPERATORS.includes(e.operator) &&
        (e.values === undefined || (Array.isArray(e.values) && e.values.every((x: unknown) => typeof x === 'string'))),
    );
  if (!ok) {
    c.refuse(`${where}.matchExpressions`, `not a list of {key, operator (${SELECTOR_OPERATORS.join('|')}), values}`);
    return undefined;
  }
  if (Object.keys(labels).length === 0 && expressions.length === 0) return undefined;
  return {
    ...(Object.keys(labels).length > 0 ? { matchLabels: labels as Record<string, string> } : {}),
    ...(expressions.length > 0
      ? {
          matchExpressions: (expressions as Data[]).map((e) => ({
            key: e.key as string,
            operator: e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
            ...(e.values !== undefined ? { values: e.values as string[] } : {}),
          })),
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// policies.kyverno.io ValidatingPolicy

const VPOL_SPEC = [
  'auditAnnotations',
  'autogen',
  'evaluation',
  'failurePolicy',
  'matchConditions',
  'matchConstraints',
  'validationActions',
  'validations',
  'variables',
  'webhookConfiguration',
];
const RULE_FIELDS = ['apiGroups', 'apiVersions', 'resources', 'operations', 'resourceNames', 'scope'];

function resourceRules(c: Collector, v: unknown, where: string): ResourceRule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    c.refuse(where, 'not a list of rules (apiGroups, apiVersions, resources, operations)');
    return [];
  }
  return v.flatMap((r, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(r)) {
      c.refuse(at, 'not a rule (apiGroups, apiVersions, resources, operations)');
      return [];
    }
    const unknown = Object.keys(r).filter((k) => !RULE_FIELDS.includes(k));
    if (unknown.length > 0) c.refuse(at, `${unknown.join(', ')}: not a field of a resource rule (${RULE_FIELDS.join(', ')})`);
    const apiGroups = strings(c, r.apiGroups, `${at}.apiGroups`, true);
    const apiVersions = strings(c, r.apiVersions, `${at}.apiVersions`, true);
    const resources = strings(c, r.resources, `${at}.resources`, true);
    const operations = strings(c, r.operations, `${at}.operations`, true);
    const bad = (operations ?? []).filter((o) => !OPERATIONS.includes(o));
    if (bad.length > 0) c.refuse(`${at}.operations`, `${bad.join(', ')}: not an admission operation (${OPERATIONS.join('|')})`);
    const resourceNames = strings(c, r.resourceNames, `${at}.resourceNames`, false);
    const scope = r.scope as ResourceRule['scope'] | undefined;
    if (scope !== undefined && !['Cluster', 'Namespaced', '*'].includes(scope))
      c.refuse(`${at}.scope`, `${show(r.scope)} is not Cluster, Namespaced or *`);
    if (!apiGroups || !apiVersions || !resources || !operations) return [];
    return [
      {
        apiGroups,
        apiVersions,
        resources,
        operations: operations as ResourceRule['operations'],
        ...(resourceNames?.length ? { resourceNames } : {}),
        ...(scope !== undefined ? { scope } : {}),
      },
    ];
  });
}

interface Converted {
  readonly constraints: Pick<
    ImportedTemplate,
    | 'resourceRules'
    | 'excludeResourceRules'
    | 'namespaceSelector'
    | 'objectSelector'
    | 'matchPolicy'
    | 'podControllers'
    | 'evaluation'
    | 'timeoutSeconds'
  >;
  readonly body: ImportedBody;
}

function podControllerList(c: Collector, v: unknown, where: string): PodController[] | undefined {
  const list = strings(c, v, where, false);
  if (!list) return undefined;
  const known = list.filter((x): x is PodController => (POD_CONTROLLERS as readonly string[]).includes(x));
  const unknown = list.filter((x) => !(POD_CONTROLLERS as readonly string[]).includes(x));
  // Kyverno generates only for the resource names it knows and ignores the rest.
  if (unknown.length > 0)
    c.notes.push(
      `${where}: ${unknown.join(', ')} dropped: Kyverno auto-generates only for ${POD_CONTROLLERS.join(', ')} and ignores other names`,
    );
  return known;
}

/** Kyverno's default: a Pod policy it can auto-generate is generated for every pod controller. */
function defaultPodControllers(
  c: Collector,
  constraints: Converted['constraints'],
  listed: PodController[] | undefined,
): boolean | PodController[] | undefined {
  const canGenerate = canAutogen({
    resourceRules: constraints.resourceRules,
    excludeResourceRules: constraints.excludeResourceRules,
    objectSelector: constraints.objectSelector,
  });
  if (listed !== undefined && !canGenerate) {
    c.notes.push(
      'autogen.podControllers: dropped: Kyverno auto-generates only for a policy with one rule for core v1 pods (no resourceNames, objectSelector or exclusions), which this is not',
    );
    return undefined;
  }
  if (listed !== undefined) return listed;
  return canGenerate ? true : undefined;
}

/** A field that must be a mapping when present; refused otherwise (the CRD would refuse it too). */
function mapping(c: Collector, v: unknown, where: string): Data {
  if (v === undefined || v === null) return {};
  if (isObject(v)) return v;
  c.refuse(where, `${show(v)} is not a mapping`);
  return {};
}

function convertValidatingPolicy(c: Collector, doc: Data): Converted {
  const spec = mapping(c, doc.spec, 'spec');
  for (const k of ['evaluation', 'autogen', 'matchConstraints', 'webhookConfiguration']) mapping(c, spec[k], `spec.${k}`);
  for (const k of Object.keys(spec))
    if (!VPOL_SPEC.includes(k)) c.refuse(`spec.${k}`, `not a ValidatingPolicy field (${VPOL_SPEC.join(', ')})`);
  const evaluation = isObject(spec.evaluation) ? spec.evaluation : {};
  if (evaluation.mode !== undefined && evaluation.mode !== 'Kubernetes')
    c.refuse(
      'spec.evaluation.mode',
      `${show(evaluation.mode)}: the policy validates ${evaluation.mode} payloads, not Kubernetes objects, so there is nothing for the ladder's namespaces, exclusions and exceptions to apply to; ${KEEP_AS_IS}`,
    );
  const mc = isObject(spec.matchConstraints) ? spec.matchConstraints : {};
  for (const k of Object.keys(mc))
    if (!['resourceRules', 'excludeResourceRules', 'namespaceSelector', 'objectSelector', 'matchPolicy'].includes(k))
      c.refuse(`spec.matchConstraints.${k}`, 'not a matchConstraints field');
  const rules = resourceRules(c, mc.resourceRules, 'spec.matchConstraints.resourceRules');
  if (rules.length === 0 && c.refusals.length === 0)
    c.refuse('spec.matchConstraints.resourceRules', 'missing: the policy matches nothing (add the resources it checks)');
  const matchPolicy = mc.matchPolicy as ImportedTemplate['matchPolicy'];
  if (matchPolicy !== undefined && !['Exact', 'Equivalent'].includes(matchPolicy))
    c.refuse('spec.matchConstraints.matchPolicy', `${show(mc.matchPolicy)} is not Exact or Equivalent`);
  const autogen = isObject(spec.autogen) ? spec.autogen : {};
  if (dig(autogen, 'validatingAdmissionPolicy', 'enabled') === true)
    c.refuse(
      'spec.autogen.validatingAdmissionPolicy.enabled',
      "true: a generated ValidatingAdmissionPolicy runs in the API server, outside Kyverno, where this repository's PolicyExceptions and Audit reports do not reach it; remove it (Kyverno evaluates the policy itself)",
    );
  const listed = podControllerList(c, dig(autogen, 'podControllers', 'controllers'), 'spec.autogen.podControllers.controllers');
  const timeout = timeoutOf(dig(spec, 'webhookConfiguration', 'timeoutSeconds'));
  if (timeout === null)
    c.refuse(
      'spec.webhookConfiguration.timeoutSeconds',
      `${show(dig(spec, 'webhookConfiguration', 'timeoutSeconds'))} is not a whole number 1-30`,
    );
  const constraints: Converted['constraints'] = {
    resourceRules: rules,
    excludeResourceRules: resourceRules(c, mc.excludeResourceRules, 'spec.matchConstraints.excludeResourceRules'),
    namespaceSelector: selector(c, mc.namespaceSelector, 'spec.matchConstraints.namespaceSelector'),
    objectSelector: selector(c, mc.objectSelector, 'spec.matchConstraints.objectSelector'),
    matchPolicy,
    evaluation: evaluationOf(dig(evaluation, 'admission', 'enabled'), dig(evaluation, 'background', 'enabled')),
    timeoutSeconds: timeout ?? undefined,
  };
  dropped(c, spec.validationActions, spec.failurePolicy);
  const validations = validationList(c, spec.validations, 'spec.validations');
  if (validations.length === 0 && c.refusals.length === 0)
    c.refuse('spec.validations', 'none: a template validates something (audit annotations alone audit nothing the ladder could enforce)');
  return {
    constraints: { ...constraints, podControllers: defaultPodControllers(c, constraints, listed) },
    body: {
      matchConditions: namedList(c, spec.matchConditions, 'spec.matchConditions'),
      variables: namedList(c, spec.variables, 'spec.variables'),
      validations,
      auditAnnotations: auditAnnotationList(c, spec.auditAnnotations, 'spec.auditAnnotations'),
    },
  };
}

/** A webhook timeout: undefined when not given, null when it is not a whole number of seconds 1-30. */
function timeoutOf(v: unknown): number | undefined | null {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 30 ? v : null;
}

function evaluationOf(admission: unknown, background: unknown): Evaluation | undefined {
  const e = { ...(admission === false ? { admission: false } : {}), ...(background === false ? { background: false } : {}) };
  return Object.keys(e).length > 0 ? e : undefined;
}

function dropped(c: Collector, actions: unknown, failurePolicy: unknown, actionsField = 'validationActions'): void {
  const given = [
    ...(actions !== undefined ? [`${actionsField} ${JSON.stringify(actions)}`] : []),
    ...(failurePolicy !== undefined ? [`failurePolicy ${failurePolicy}`] : []),
  ];
  if (given.length > 0)
    c.notes.push(
      `${given.join(' and ')}: replaced by the ladder (Audit with failurePolicy Ignore from audit:dev, Deny with failurePolicy Fail from its enforce rung)`,
    );
}

// ---------------------------------------------------------------------------------------------
// kyverno.io ClusterPolicy whose rules are validate.cel

const RULE_KEYS_UNSUPPORTED: Readonly<Record<string, string>> = {
  mutate: 'a mutate rule changes objects; templates only validate',
  generate: 'a generate rule creates objects; templates only validate',
  verifyImages:
    'a verifyImages rule verifies image signatures, which this repository renders as an ImageValidatingPolicy template, not by import',
  preconditions: 'preconditions are JMESPath conditions; write them as celPreconditions (CEL)',
  context:
    'context entries (apiCall, configMap, variables) are JMESPath; read other objects with resource.Get / resource.List in CEL instead',
};
const VALIDATE_UNSUPPORTED: Readonly<Record<string, string>> = {
  pattern: 'a validate.pattern is an overlay pattern, not CEL',
  anyPattern: 'a validate.anyPattern is an overlay pattern, not CEL',
  deny: 'validate.deny conditions are JMESPath, not CEL',
  foreach: 'validate.foreach iterates with JMESPath, not CEL',
  podSecurity: 'validate.podSecurity has no CEL equivalent (the pod-security packs of this repository are its templates)',
  manifests: 'validate.manifests verifies signed manifests, which CEL cannot',
  assert: 'validate.assert is a Kyverno JSON assertion tree, not CEL',
};

/** A legacy kind (`Pod`, `apps/v1/Deployment`, `v1/Pod`, `Pod/exec`) as an admission rule's group, version and resource. */
function legacyKind(c: Collector, kind: string, where: string): { group: string; version: string; resource: string } | undefined {
  if (kind.includes('*') || kind.includes('?')) {
    c.refuse(where, `'${kind}': a wildcard kind has no exact admission rule; list the kinds the rule checks`);
    return undefined;
  }
  const parts = kind.split('/');
  let sub = '';
  let group: string | undefined;
  let version: string | undefined;
  let name: string;
  // Kind, Kind/sub, version/Kind, group/version/Kind, and those with /sub (a subresource starts lowercase).
  if (parts.length > 1 && /^[a-z]/.test(parts[parts.length - 1])) sub = parts.pop()!;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) [version, name] = parts;
  else if (parts.length === 3) [group, version, name] = parts;
  else {
    c.refuse(where, `'${kind}' is not a kind (Kind, version/Kind or group/version/Kind)`);
    return undefined;
  }
  const resolver = new KindResolver();
  if (version === undefined) {
    const known = [...builtInApiVersions(name), ...(name in KRATE_RESOURCES ? [`${KRATE_GROUP}/${KRATE_VERSION}`] : [])];
    if (known.length !== 1) {
      c.refuse(
        where,
        known.length === 0
          ? `'${name}' is not a built-in Kubernetes, Kyverno or Krate kind; write it as group/version/Kind (e.g. example.com/v1/${name})`
          : `'${name}' is served by ${known.join(' and ')}; write it as group/version/Kind (e.g. ${known[0]}/${name})`,
      );
      return undefined;
    }
    group = groupOf(known[0]);
    version = versionOf(known[0]);
  }
  group ??= '';
  const apiVersion = group ? `${group}/${version}` : version;
  const resource =
    group === KRATE_GROUP && name in KRATE_RESOURCES ? KRATE_RESOURCES[name as KrateKind] : resolver.resource(apiVersion, name);
  return { group, version, resource: sub ? `${resource}/${sub}` : resource };
}

const LEGACY_FILTER = ['kinds', 'names', 'namespaces', 'operations', 'selector', 'namespaceSelector', 'annotations', 'name'];

interface LegacyMatch {
  readonly rules: ResourceRule[];
  readonly namespaces?: readonly string[];
  readonly selector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
}

/** The resource filters of a match or exclude block (`any`, `all` with one filter, or the deprecated `resources`). */
function filtersOf(c: Collector, block: Data, where: string): Array<{ at: string; filter: Data }> {
  const out: Array<{ at: string; filter: Data }> = [];
  for (const k of Object.keys(block))
    if (!['any', 'all', 'resources', 'subjects', 'roles', 'clusterRoles'].includes(k)) c.refuse(`${where}.${k}`, 'not a match field');
  const who = (f: Data, at: string) => {
    for (const k of ['subjects', 'roles', 'clusterRoles'])
      if (f[k] !== undefined)
        c.refuse(
          `${at}.${k}`,
          `matching on who makes the request has no matchConstraints equivalent; test request.userInfo in a celPreconditions entry instead, then import`,
        );
  };
  who(block, where);
  if (isObject(block.resources)) out.push({ at: `${where}.resources`, filter: block.resources });
  if (Array.isArray(block.any))
    block.any.forEach((f: unknown, i: number) => {
      const at = `${where}.any[${i}]`;
      if (!isObject(f)) return c.refuse(at, 'not a resource filter');
      who(f, at);
      if (isObject(f.resources)) out.push({ at: `${at}.resources`, filter: f.resources });
    });
  if (Array.isArray(block.all)) {
    if (block.all.length > 1)
      c.refuse(
        `${where}.all`,
        `${block.all.length} filters that must all hold: a ValidatingPolicy's rules match any of them; merge them into one filter, then import`,
      );
    block.all.forEach((f: unknown, i: number) => {
      const at = `${where}.all[${i}]`;
      if (!isObject(f)) return c.refuse(at, 'not a resource filter');
      who(f, at);
      if (isObject(f.resources)) out.push({ at: `${at}.resources`, filter: f.resources });
    });
  }
  return out;
}

function plainNames(c: Collector, v: unknown, where: string): string[] | undefined {
  const list = strings(c, v, where, false);
  const wild = (list ?? []).filter((n) => /[*?]/.test(n));
  if (wild.length > 0)
    c.refuse(
      where,
      `${wild.join(', ')}: wildcards have no matchConstraints equivalent; list exact names (or match them in a celPreconditions entry)`,
    );
  return list;
}

/** A legacy `match` block as admission rules plus the namespaces and selectors every filter shares. */
function legacyMatch(c: Collector, block: unknown, where: string, defaultOperations: string[] = ['CREATE', 'UPDATE']): LegacyMatch {
  if (!isObject(block)) {
    c.refuse(
      where,
      block === undefined || block === null ? 'missing: the rule matches nothing' : `${show(block)} is not a match block (any, all)`,
    );
    return { rules: [] };
  }
  const filters = filtersOf(c, block, where);
  if (filters.length === 0) c.refuse(where, 'has no resource filter (any[].resources)');
  const rules: ResourceRule[] = [];
  const shared = new Map<string, string>();
  let out: Omit<LegacyMatch, 'rules'> = {};
  for (const { at, filter } of filters) {
    for (const k of Object.keys(filter)) if (!LEGACY_FILTER.includes(k)) c.refuse(`${at}.${k}`, 'not a resource filter field');
    if (filter.annotations !== undefined)
      c.refuse(
        `${at}.annotations`,
        'matching on annotations has no matchConstraints equivalent; test object.metadata.annotations in a celPreconditions entry instead, then import',
      );
    const names = [
      ...(plainNames(c, filter.names, `${at}.names`) ?? []),
      ...(typeof filter.name === 'string' ? (plainNames(c, [filter.name], `${at}.name`) ?? []) : []),
    ];
    const operations = strings(c, filter.operations, `${at}.operations`, false) ?? defaultOperations;
    const bad = operations.filter((o) => !OPERATIONS.includes(o));
    if (bad.length > 0) c.refuse(`${at}.operations`, `${bad.join(', ')}: not an admission operation`);
    const byGroupVersion = new Map<string, { group: string; version: string; resources: string[] }>();
    (strings(c, filter.kinds, `${at}.kinds`, true) ?? []).forEach((k, i) => {
      const r = legacyKind(c, k, `${at}.kinds[${i}]`);
      if (!r) return;
      const key = `${r.group}/${r.version}`;
      const entry = byGroupVersion.get(key) ?? { group: r.group, version: r.version, resources: [] };
      if (!entry.resources.includes(r.resource)) entry.resources.push(r.resource);
      byGroupVersion.set(key, entry);
    });
    for (const { group, version, resources } of byGroupVersion.values())
      rules.push({
        apiGroups: [group],
        apiVersions: [version],
        resources,
        operations: operations as ResourceRule['operations'],
        ...(names.length > 0 ? { resourceNames: names } : {}),
      });
    const namespaces = plainNames(c, filter.namespaces, `${at}.namespaces`);
    const sharedParts = {
      namespaces: JSON.stringify(namespaces ?? null),
      selector: JSON.stringify(filter.selector ?? null),
      namespaceSelector: JSON.stringify(filter.namespaceSelector ?? null),
    };
    for (const [k, v] of Object.entries(sharedParts)) {
      if (shared.has(k) && shared.get(k) !== v)
        c.refuse(
          `${at}.${k}`,
          `differs from the rule's other filters: a ValidatingPolicy has one ${k === 'selector' ? 'objectSelector' : 'namespaceSelector'} for all its rules; split the rule into one ClusterPolicy per filter, then import each`,
        );
      shared.set(k, v);
    }
    out = {
      ...(namespaces?.length ? { namespaces } : {}),
      ...(filter.selector !== undefined ? { selector: selector(c, filter.selector, `${at}.selector`) } : {}),
      ...(filter.namespaceSelector !== undefined
        ? { namespaceSelector: selector(c, filter.namespaceSelector, `${at}.namespaceSelector`) }
        : {}),
    };
  }
  return { rules, ...out };
}

/** A legacy `exclude` block: kinds (and names) become excludeResourceRules, namespaces a NotIn; anything else is refused. */
function legacyExclude(c: Collector, block: unknown, where: string): { rules: ResourceRule[]; namespaces: string[] } {
  if (block === undefined || block === null) return { rules: [], namespaces: [] };
  if (!isObject(block)) {
    c.refuse(where, 'not an exclude block');
    return { rules: [], namespaces: [] };
  }
  const rules: ResourceRule[] = [];
  const namespaces: string[] = [];
  for (const { at, filter } of filtersOf(c, block, where)) {
    const keys = Object.keys(filter);
    if (keys.includes('kinds') && keys.includes('namespaces')) {
      c.refuse(
        at,
        'excludes kinds in some namespaces only, which matchConstraints cannot say (exclusions are per kind or per namespace); test it in a celPreconditions entry instead, then import',
      );
      continue;
    }
    for (const k of keys.filter((k) => !['kinds', 'names', 'namespaces', 'operations'].includes(k)))
      c.refuse(
        `${at}.${k}`,
        `excluding by ${k} has no matchConstraints equivalent; test it in a celPreconditions entry instead, then import`,
      );
    // An exclusion without operations leaves the kinds out whatever the request does.
    if (keys.includes('kinds')) rules.push(...legacyMatch(c, { resources: filter }, where, ['*']).rules);
    else if (keys.includes('names'))
      c.refuse(`${at}.names`, 'excluding names without kinds has no matchConstraints equivalent; name the kinds too');
    namespaces.push(...(plainNames(c, filter.namespaces, `${at}.namespaces`) ?? []));
  }
  return { rules, namespaces };
}

const LEGACY_SPEC_IGNORED = [
  'validationFailureAction',
  'validationFailureActionOverrides',
  'failurePolicy',
  'applyRules',
  'emitWarning',
  'useServerSideApply',
  'schemaValidation',
  'generateExisting',
  'generateExistingOnPolicyUpdate',
  'mutateExistingOnPolicyUpdate',
  'webhookConfiguration',
  'webhookTimeoutSeconds',
  'background',
  'admission',
  'rules',
  'evaluation',
];

function convertClusterPolicy(c: Collector, doc: Data): Converted {
  const spec = mapping(c, doc.spec, 'spec');
  for (const k of Object.keys(spec))
    if (!LEGACY_SPEC_IGNORED.includes(k)) c.refuse(`spec.${k}`, 'not a ClusterPolicy field this import knows');
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  if (rules.length === 0) c.refuse('spec.rules', 'none: the policy has no rules');
  const how = `${REWRITE}, ${KEEP_AS_IS}`;
  const matches: Array<{ name: string; key: string }> = [];
  const variables: NamedExpression[] = [];
  const validations: Validation[] = [];
  const auditAnnotations: AuditAnnotation[] = [];
  let first: { match: LegacyMatch; exclude: { rules: ResourceRule[]; namespaces: string[] }; conditions: NamedExpression[] } | undefined;
  rules.forEach((rule: unknown, i: number) => {
    const at = `spec.rules[${i}]`;
    if (!isObject(rule)) return c.refuse(at, 'not a rule');
    const named = `${at} (${typeof rule.name === 'string' ? rule.name : 'unnamed'})`;
    for (const [k, why] of Object.entries(RULE_KEYS_UNSUPPORTED)) if (rule[k] !== undefined) c.refuse(`${named}.${k}`, `${why}; ${how}`);
    if (!isObject(rule.validate)) {
      if (!['mutate', 'generate', 'verifyImages'].some((k) => rule[k] !== undefined)) c.refuse(named, `has no validate.cel; ${how}`);
      return;
    }
    const validate = rule.validate;
    for (const [k, why] of Object.entries(VALIDATE_UNSUPPORTED))
      if (validate[k] !== undefined) c.refuse(`${named}.validate.${k}`, `${why}; ${how}`);
    if (!isObject(validate.cel)) {
      if (!Object.keys(VALIDATE_UNSUPPORTED).some((k) => validate[k] !== undefined)) c.refuse(`${named}.validate`, `has no cel; ${how}`);
      return;
    }
    const cel = validate.cel;
    if (cel.paramKind !== undefined || cel.paramRef !== undefined)
      c.refuse(
        `${named}.validate.cel.${cel.paramKind !== undefined ? 'paramKind' : 'paramRef'}`,
        'parameter resources have no place in a template: its parameters are typed values set in environments/rollout.ts; inline the values in the CEL (or read the object with resource.Get), then import',
      );
    if (cel.generate === true)
      c.notes.push(`${named}.validate.cel.generate: a ValidatingAdmissionPolicy is not generated (Kyverno evaluates the template itself)`);
    if (validate.failureAction !== undefined || validate.failureActionOverrides !== undefined)
      c.notes.push(`${named}.validate.failureAction(Overrides): replaced by the ladder (and auditNamespaces in environments/rollout.ts)`);
    const match = legacyMatch(c, rule.match, `${named}.match`);
    const exclude = legacyExclude(c, rule.exclude, `${named}.exclude`);
    const conditions = namedList(c, rule.celPreconditions, `${named}.celPreconditions`);
    const key = JSON.stringify({ match, exclude, conditions });
    if (!first) first = { match, exclude, conditions };
    else if (matches[0].key !== key)
      c.refuse(
        `${named}`,
        `matches differently from ${matches[0].name} (match, exclude or celPreconditions): a ValidatingPolicy has one set of matchConstraints; split the ClusterPolicy into one per match and import each`,
      );
    matches.push({ name: named, key });
    for (const v of namedList(c, cel.variables, `${named}.validate.cel.variables`)) {
      const same = variables.find((x) => x.name === v.name);
      if (same && same.expression !== v.expression)
        c.refuse(
          `${named}.validate.cel.variables`,
          `'${v.name}' is also a variable of another rule, with another expression; rename one, then import`,
        );
      else if (!same) variables.push(v);
    }
    validations.push(
      ...validationList(
        c,
        cel.expressions,
        `${named}.validate.cel.expressions`,
        typeof validate.message === 'string' ? validate.message : undefined,
      ),
    );
    auditAnnotations.push(...auditAnnotationList(c, cel.auditAnnotations, `${named}.validate.cel.auditAnnotations`));
  });
  dropped(c, spec.validationFailureAction, spec.failurePolicy, 'validationFailureAction');
  const m = first?.match ?? { rules: [] };
  const excludedNamespaces = first?.exclude.namespaces ?? [];
  const byName = [
    ...(m.namespaces?.length ? [{ key: 'kubernetes.io/metadata.name', operator: 'In' as const, values: [...m.namespaces] }] : []),
    ...(excludedNamespaces.length ? [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn' as const, values: excludedNamespaces }] : []),
  ];
  const namespaceSelector: LabelSelector | undefined =
    byName.length > 0 || m.namespaceSelector
      ? {
          ...(m.namespaceSelector?.matchLabels ? { matchLabels: m.namespaceSelector.matchLabels } : {}),
          matchExpressions: [...(m.namespaceSelector?.matchExpressions ?? []), ...byName],
        }
      : undefined;
  const given = dig(spec, 'webhookConfiguration', 'timeoutSeconds') ?? spec.webhookTimeoutSeconds;
  const timeout = timeoutOf(given);
  if (timeout === null) c.refuse('spec.webhookTimeoutSeconds', `${show(given)} is not a whole number 1-30`);
  const constraints: Converted['constraints'] = {
    resourceRules: m.rules,
    excludeResourceRules: first?.exclude.rules ?? [],
    namespaceSelector:
      namespaceSelector && (namespaceSelector.matchExpressions?.length || namespaceSelector.matchLabels) ? namespaceSelector : undefined,
    objectSelector: m.selector,
    evaluation: evaluationOf(spec.admission, spec.background),
    timeoutSeconds: timeout ?? undefined,
  };
  const annotation = dig(doc, 'metadata', 'annotations', ANNOTATIONS.autogen);
  let listed: PodController[] | undefined;
  if (typeof annotation === 'string') {
    listed =
      annotation.trim().toLowerCase() === 'none'
        ? []
        : (annotation
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
            .map((k) => {
              const r = `${k.toLowerCase()}s` as PodController;
              if (!(POD_CONTROLLERS as readonly string[]).includes(r))
                c.refuse(
                  `metadata.annotations[${ANNOTATIONS.autogen}]`,
                  `'${k}' is not a pod controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)`,
                );
              return r;
            }) as PodController[]);
  }
  return {
    constraints: { ...constraints, podControllers: defaultPodControllers(c, constraints, listed) },
    body: { matchConditions: first?.conditions ?? [], variables, validations, auditAnnotations },
  };
}

// ---------------------------------------------------------------------------------------------
// Template metadata.

const humanize = (name: string): string => {
  const words = name.split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The kind each resource rule names, for the subject annotation and the field contract. */
export function ruleKinds(rules: readonly ResourceRule[]): string[] {
  const resolver = new KindResolver();
  const kinds: string[] = [];
  for (const r of rules)
    for (const g of r.apiGroups)
      for (const res of r.resources) {
        const base = res.split('/')[0];
        const krate = g === KRATE_GROUP ? Object.entries(KRATE_RESOURCES).find(([, plural]) => plural === base)?.[0] : undefined;
        const kind =
          base === '*'
            ? '*'
            : (krate ??
              resolver.kindOf(g, base) ??
              base
                .replace(/ies$/, 'y')
                .replace(/(ses|xes)$/, (m) => m.slice(0, -2))
                .replace(/s$/, '')
                .replace(/^./, (ch) => ch.toUpperCase()));
        if (!kinds.includes(kind)) kinds.push(kind);
      }
  return kinds;
}

/** `Kind.path` for every `object.a.b` the CEL reads directly (optional `?` dropped), at most `limit`. */
function fieldsRead(body: ImportedBody, subject: string, limit = 12): string[] {
  const expressions = [
    ...(body.matchConditions ?? []).map((x) => x.expression),
    ...(body.variables ?? []).map((x) => x.expression),
    ...body.validations.flatMap((v) => [v.expression, v.messageExpression ?? '']),
  ];
  const paths = new Set<string>();
  for (const e of expressions)
    for (const m of e.matchAll(/(?<![\w.])(?:object|oldObject)((?:\s*\.\s*\??\s*[A-Za-z_][A-Za-z0-9_]*)+)/g))
      paths.add(m[1].replace(/[\s?]/g, '').replace(/^\./, ''));
  const sorted = [...paths].filter((p) => p !== 'metadata' && p !== 'spec').sort();
  const kept = sorted.filter((p) => !sorted.some((q) => q !== p && q.startsWith(`${p}.`)));
  const lines = kept.slice(0, limit).map((p) => `${subject}.${p}: read by the imported CEL`);
  if (kept.length > limit) lines.push(`${subject}: ${kept.length - limit} more fields read by the imported CEL (see template.ts)`);
  return lines;
}

function choosePack(
  c: Collector,
  requested: string | undefined,
  category: string | undefined,
  rules: readonly ResourceRule[],
): PolicyPackName {
  if (requested !== undefined) {
    if (!(POLICY_PACKS as readonly string[]).includes(requested))
      throw new ConfigError([
        `--pack: '${requested}' is not a policy pack${didYouMean(requested, POLICY_PACKS)} (packs: ${POLICY_PACKS.join(', ')})`,
      ]);
    return requested as PolicyPackName;
  }
  const byCategory = POLICY_PACKS.find(
    (p) => category !== undefined && category.toLowerCase().startsWith(PACK_CATEGORIES[p].toLowerCase()),
  );
  if (byCategory) {
    c.notes.push(`pack ${byCategory}: from the category '${category}' (--pack chooses another)`);
    return byCategory;
  }
  if (rules.length > 0 && rules.every((r) => r.apiGroups.every((g) => g === KRATE_GROUP))) {
    c.notes.push("pack krate: the policy checks Krate's kinds only (--pack chooses another)");
    return 'krate';
  }
  c.notes.push('pack best-practices: the default (--pack chooses another)');
  return 'best-practices';
}

/** The policy in `req.file` as a template of pack `req.pack`, or a refusal. */
export function importPolicy(req: ImportRequest): ImportResult {
  const docs = readDocuments(req.file);
  const { doc, name } = selectPolicy(req.file, docs, req.name);
  const origin: ImportOrigin = {
    file: req.file,
    apiVersion: String(doc.apiVersion),
    kind: String(doc.kind),
    name: String(nameOf(doc) ?? name),
  };
  if (!isDnsLabel(name))
    throw new ConfigError([
      `${req.name !== undefined ? '--name' : `${req.file}: metadata.name`}: '${name}' is not a template name: a DNS label (lowercase letters, digits and '-', at most 63 characters); choose one with --name`,
    ]);
  const c = new Collector(`${req.file}: ${doc.kind} ${origin.name}`);
  let converted: Converted;
  if (VALIDATING_POLICY_VERSIONS.includes(origin.apiVersion) && doc.kind === 'ValidatingPolicy')
    converted = convertValidatingPolicy(c, doc);
  else if (LEGACY_VERSIONS.includes(origin.apiVersion) && doc.kind === 'ClusterPolicy') converted = convertClusterPolicy(c, doc);
  else throw new ImportRefusal([`${req.file}: ${describe(doc)}: ${unsupportedKind(doc)}`]);
  const text = (k: string): string | undefined => {
    const v = dig(doc, 'metadata', 'annotations', k);
    return typeof v === 'string' && v.trim() !== '' ? v.trim().replace(/\s+/g, ' ') : undefined;
  };
  const severity = (text(ANNOTATIONS.severity) ?? 'medium').toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(severity))
    c.refuse(
      `metadata.annotations[${ANNOTATIONS.severity}]`,
      `'${severity}' is not one of ${SEVERITIES.join('|')}; change the annotation, then import`,
    );
  if (c.refusals.length > 0) throw new ImportRefusal(c.refusals);
  const rules = converted.constraints.resourceRules;
  const category = text(ANNOTATIONS.category);
  const pack = choosePack(c, req.pack, category, rules);
  const kinds = ruleKinds(rules);
  const subject = text(ANNOTATIONS.subject) ?? kinds.join(', ');
  const krateKinds = kinds.filter((k) => k in KRATE_SURFACES && rules.every((r) => r.apiGroups.every((g) => g === KRATE_GROUP)));
  const surface: KrateSurface = krateKinds.length > 0 ? KRATE_SURFACES[krateKinds[0] as KrateKind] : 'workload';
  const messages = [...new Set(converted.body.validations.map((v) => v.message))];
  const template: ImportedTemplate = {
    name,
    version: '1.0.0',
    pack,
    title: text(ANNOTATIONS.title) ?? humanize(name),
    description: text(ANNOTATIONS.description) ?? `Imported from the ${doc.kind} ${origin.name}. It requires: ${messages.join(' ')}`,
    category: category ?? PACK_CATEGORIES[pack],
    severity: severity as ImportedTemplate['severity'],
    subject,
    surface,
    remediation: `Change the object so that every validation of ${origin.name} holds; each failure's message says which one does not.`,
    fields: fieldsRead(converted.body, kinds.join('/')),
    ...clean(converted.constraints),
    body: clean(converted.body) as ImportedBody,
  };
  for (const k of ['title', 'category', 'severity', 'subject', 'description'] as const)
    if (text(ANNOTATIONS[k]) === undefined)
      c.notes.push(`${ANNOTATIONS[k]}: not annotated; defaulted to ${show(template[k])} (edit template.ts to change it)`);
  return { template, origin, notes: c.notes };
}

/** Why a Kyverno kind other than ValidatingPolicy / ClusterPolicy is not imported, and what to do. */
function unsupportedKind(doc: Data): string {
  const kind = String(doc.kind);
  if (kind === 'NamespacedValidatingPolicy' || kind === 'Policy')
    return `a namespaced policy applies in its own namespace only, which a cluster-wide template would widen; make it a ${kind === 'Policy' ? 'ClusterPolicy' : 'ValidatingPolicy'} that matches that namespace (matchConstraints.namespaceSelector), then import it, ${KEEP_AS_IS}`;
  if (kind === 'ImageValidatingPolicy')
    return `image verification needs attestors this repository types as template parameters; write it as a template (see production-deployment-image-verified), ${KEEP_AS_IS}`;
  const apiVersion = String(doc.apiVersion);
  if (apiVersion.startsWith('policies.kyverno.io/') && !VALIDATING_POLICY_VERSIONS.includes(apiVersion))
    return `${doc.apiVersion} is not a version of ValidatingPolicy (${VALIDATING_POLICY_VERSIONS.join(', ')})`;
  if (apiVersion.startsWith('kyverno.io/') && kind === 'ClusterPolicy')
    return `${doc.apiVersion} is not a served ClusterPolicy version (${LEGACY_VERSIONS.join(', ')})`;
  return `templates validate: a ${kind} is not imported (import takes a ValidatingPolicy, or a ClusterPolicy whose rules are validate.cel); ${KEEP_AS_IS}`;
}

/** Drops undefined fields and empty lists (what the template would not render anyway), but an empty podControllers (autogen off). */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => v !== undefined && (k === 'podControllers' || !(Array.isArray(v) && v.length === 0))),
  ) as T;
}

/** The in-memory template an import writes as template.ts (the same data, a body function). */
export function templateOf(t: ImportedTemplate): PolicyTemplate {
  const { body, ...rest } = t;
  return { ...rest, body: () => body };
}

/** An import statement of the generated source (built, so the layer check does not read it as this file's import). */
const importLine = (names: string, path: string): string => `import ${names} from '${path}';`;

/** The text of the imported template's template.ts: the template as data, prettier-clean. */
export function importedTemplateSource(r: ImportResult, today: string): string {
  const { body, fields, resourceRules, ...rest } = r.template;
  const { name, version, pack, title, description, category, severity, subject, surface, remediation, ...constraints } = rest;
  const meta = {
    ...{ name, version, pack, title, description, category, severity, subject, surface, remediation },
    ...(fields && fields.length > 0 ? { fields: [...fields] } : {}),
    resourceRules,
    ...constraints,
  };
  return [
    `// Imported by \`krate-policy import\` on ${today} from ${r.origin.file} (${r.origin.apiVersion} ${r.origin.kind} ${r.origin.name}).`,
    "// Its CEL (matchConditions, variables, validations, audit annotations) and match settings are the policy's",
    '// own, unchanged; the repository adds its naming, labels, annotations, namespace exclusions and exceptions,',
    '// and the ladder gives the mode (environments/rollout.ts). This file is the template from now on: edit it here.',
    importLine('type { PolicyTemplate }', '../../template'),
    '',
    'const template: PolicyTemplate = {',
    ...printProperties(meta as unknown as Record<string, SourceValue>, 2),
    '  body: () => ({',
    ...printProperties(body as unknown as Record<string, SourceValue>, 4),
    '  }),',
    '};',
    '',
    'export default template;',
    '',
  ].join('\n');
}
