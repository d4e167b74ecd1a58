// What `krate-policy new` writes into a new template folder: a typed template with one placeholder
// validation, and a Kyverno CLI suite whose fail case fails until the author writes the rule. Pure
// text (prettier-clean TypeScript, YAML like the other suites); cli/commands/new.ts writes it.
import { ConfigError } from '../lib/errors';
import { builtInApiVersions, builtInKinds, groupOf, KindResolver, versionOf } from '../lib/kinds';
import { didYouMean } from '../lib/suggest';
import { KRATE_GROUP, KRATE_RESOURCES, KRATE_VERSION, type KrateKind } from '../policies/krate-resource';
import type { PolicyPackName } from '../policies/packs';
import { suitePolicyName, TEMPLATE_FOLDER_FILES } from '../policies/suite';
import type { KrateSurface } from '../policies/template';

/** The kind a new template matches, resolved. */
export interface ScaffoldKind {
  readonly kind: string;
  readonly apiVersion: string;
  /** The resource (plural) its admission rule names. */
  readonly resource: string;
  readonly namespaced: boolean;
}

export interface ScaffoldRequest {
  readonly name: string;
  readonly pack: PolicyPackName;
  readonly kind: ScaffoldKind;
}

const KRATE_API_VERSION = `${KRATE_GROUP}/${KRATE_VERSION}`;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;

/** Krate's surface for each of its kinds (the `krate.a5c.ai/surface` vocabulary). */
export const KRATE_SURFACES: Readonly<Record<KrateKind, KrateSurface>> = {
  PullRequest: 'pr',
  Repository: 'repo',
  BranchProtection: 'repo',
  Pipeline: 'run',
  Job: 'run',
  WebhookSubscription: 'hook',
  RunnerPool: 'runner',
};

const isKrateKind = (k: ScaffoldKind): boolean => k.apiVersion === KRATE_API_VERSION && k.kind in KRATE_RESOURCES;
const isPod = (k: ScaffoldKind): boolean => k.apiVersion === 'v1' && k.kind === 'Pod';

/**
 * `--kind` (and `--api-version`) as a kind to match: a built-in Kubernetes or Kyverno kind or one of
 * Krate's without --api-version; any kind with it (a CRD's plural is guessed as Kubernetes does).
 */
export function resolveKind(kind: string, apiVersion: string | undefined): ScaffoldKind {
  if (!KIND.test(kind)) throw new ConfigError([`--kind: '${kind}' is not a kind (CamelCase, like Pod or PullRequest)`]);
  if (apiVersion !== undefined && !API_VERSION.test(apiVersion))
    throw new ConfigError([
      `--api-version: '${apiVersion}' is not an API version (group/version like example.com/v1, or v1 for the core group)`,
    ]);
  const resolver = new KindResolver();
  const known = [...builtInApiVersions(kind), ...(kind in KRATE_RESOURCES ? [KRATE_API_VERSION] : [])];
  let version = apiVersion;
  if (version === undefined) {
    if (known.length === 0)
      throw new ConfigError([
        `--kind ${kind}: not a built-in Kubernetes, Kyverno or Krate kind${didYouMean(kind, [...builtInKinds(), ...Object.keys(KRATE_RESOURCES)])}; for a custom resource give its API version too: --api-version <group>/<version> (e.g. example.com/v1)`,
      ]);
    if (known.length > 1)
      throw new ConfigError([
        `--kind ${kind}: served by ${known.join(' and ')}; choose one with --api-version (e.g. --api-version ${known[0]})`,
      ]);
    version = known[0];
  }
  const resource =
    version === KRATE_API_VERSION && kind in KRATE_RESOURCES ? KRATE_RESOURCES[kind as KrateKind] : resolver.resource(version, kind);
  return { kind, apiVersion: version, resource, namespaced: resolver.namespaced(version, kind) };
}

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** An import statement of the generated source (built, so the layer check does not read it as this file's import). */
const importLine = (names: string, path: string): string => `import ${names} from ${quote(path)};`;

const PLACEHOLDER_BODY = [
  '  body: () => ({',
  '    validations: [',
  '      {',
  '        // TODO: the rule, in CEL over `object` (and `oldObject`, `request`); true admits the object.',
  "        // This placeholder admits everything, so the suite's fail case fails until you write it.",
  "        expression: 'true',",
  "        message: 'TODO: what is wrong and how to fix it.',",
  '      },',
  '    ],',
  '  }),',
];

const TEXT = {
  title: "title: 'TODO: what the policy requires, in a few words',",
  description: "description: 'TODO: what is checked and why (policies.kyverno.io/description).',",
  remediation: "remediation: 'TODO: how to fix a resource that fails.',",
};

/** The fields line of a non-Pod template (the field contract the README lists). */
const fieldsLine = (kind: string): string =>
  `  fields: [${quote(`${kind}.spec.TODO (type): what the template reads, one line per field (the README lists them)`)}],`;

/** The text of the new template.ts. */
export function templateSource(req: ScaffoldRequest): string {
  const { name, pack, kind } = req;
  const head = [`  name: ${quote(name)},`, "  version: '0.1.0',"];
  if (isPod(kind))
    return [
      importLine('{ podTemplate }', '../../pod'),
      '',
      'export default podTemplate({',
      ...head,
      `  pack: ${quote(pack)},`,
      `  ${TEXT.title}`,
      `  ${TEXT.description}`,
      "  severity: 'medium',",
      `  ${TEXT.remediation}`,
      ...PLACEHOLDER_BODY,
      '});',
      '',
    ].join('\n');
  if (pack === 'krate' && isKrateKind(kind))
    return [
      importLine('{ krateTemplate }', '../../krate-resource'),
      '',
      'export default krateTemplate({',
      ...head,
      `  kinds: [${quote(kind.kind)}],`,
      `  ${TEXT.title}`,
      `  ${TEXT.description}`,
      "  severity: 'medium',",
      `  surface: ${quote(KRATE_SURFACES[kind.kind as KrateKind])},`,
      `  ${TEXT.remediation}`,
      fieldsLine(kind.kind),
      ...PLACEHOLDER_BODY,
      '});',
      '',
    ].join('\n');
  const surface = isKrateKind(kind) ? KRATE_SURFACES[kind.kind as KrateKind] : 'workload';
  const rule = `{ apiGroups: [${quote(groupOf(kind.apiVersion))}], apiVersions: [${quote(versionOf(kind.apiVersion))}], resources: [${quote(kind.resource)}], operations: ['CREATE', 'UPDATE'] }`;
  const rulesLine = `  resourceRules: [${rule}],`;
  return [
    importLine('{ PACK_CATEGORIES }', '../../packs'),
    importLine('type { PolicyTemplate }', '../../template'),
    '',
    'const template: PolicyTemplate = {',
    ...head,
    `  pack: ${quote(pack)},`,
    `  ${TEXT.title}`,
    `  ${TEXT.description}`,
    `  category: PACK_CATEGORIES[${quote(pack)}],`,
    "  severity: 'medium',",
    `  subject: ${quote(kind.kind)},`,
    `  surface: ${quote(surface)},`,
    `  ${TEXT.remediation}`,
    fieldsLine(kind.kind),
    ...(rulesLine.length <= 140
      ? [rulesLine]
      : [
          '  resourceRules: [',
          '    {',
          `      apiGroups: [${quote(groupOf(kind.apiVersion))}],`,
          `      apiVersions: [${quote(versionOf(kind.apiVersion))}],`,
          `      resources: [${quote(kind.resource)}],`,
          "      operations: ['CREATE', 'UPDATE'],",
          '    },',
          '  ],',
        ]),
    ...PLACEHOLDER_BODY,
    '};',
    '',
    'export default template;',
    '',
  ].join('\n');
}

/** One resource of the scaffold's cases. */
function resource(kind: ScaffoldKind, name: string, comment: string): string {
  return [
    `# ${comment}`,
    `apiVersion: ${kind.apiVersion}`,
    `kind: ${kind.kind}`,
    'metadata:',
    `  name: ${name}`,
    ...(kind.namespaced ? ['  namespace: default'] : []),
    ...(isPod(kind)
      ? ['spec:', '  containers:', '    - name: app', '      image: registry.example.com/app:1.0.0']
      : ['spec: {} # TODO: the fields the rule reads']),
  ].join('\n');
}

/** The same Pod in a Deployment: Kyverno checks pod controllers through autogen. */
function deployment(name: string, comment: string): string {
  return [
    `# ${comment}`,
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  namespace: default',
    'spec:',
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: registry.example.com/app:1.0.0',
  ].join('\n');
}

/** The resources of one case file and the results the suite expects for them. */
function cases(req: ScaffoldRequest, which: 'good' | 'bad') {
  const verb = which === 'good' ? 'pass' : 'fail';
  const docs = [
    { kind: req.kind.kind, name: `${which}-1`, text: resource(req.kind, `${which}-1`, `TODO: a ${req.kind.kind} that must ${verb}`) },
    ...(isPod(req.kind)
      ? [
          {
            kind: 'Deployment',
            name: `${which}-1-deployment`,
            text: deployment(
              `${which}-1-deployment`,
              `TODO: the same Pod in a Deployment (Kyverno checks pod controllers through autogen)`,
            ),
          },
        ]
      : []),
  ];
  const file = `# Every resource here must ${verb} ${req.name}.\n${docs.map((d) => d.text).join('\n---\n')}\n`;
  return { file, results: docs.map((d) => ({ kind: d.kind, name: d.name, result: verb })) };
}

/** Why the scaffolded suite fails, as its last header line says. */
const NEW_SUITE_NOTE = 'Scaffolded by `krate-policy new`: its fail case fails until template.ts has a rule (on purpose).';

/** Every file of the new folder except policy.yaml (generated from template.ts): name → text. */
export function scaffoldFiles(req: ScaffoldRequest): Map<string, string> {
  return new Map([[TEMPLATE_FOLDER_FILES.template, templateSource(req)], ...scaffoldSuite(req, NEW_SUITE_NOTE)]);
}

/**
 * A placeholder suite: kyverno-test.yaml expecting good.yaml's resources to pass and bad.yaml's to
 * fail. The two hold the same placeholder object, so at least one expectation fails until real
 * cases are written. `note` is the header's last line (why it fails).
 */
export function scaffoldSuite(req: ScaffoldRequest, note: string): Map<string, string> {
  const good = cases(req, 'good');
  const bad = cases(req, 'bad');
  const results = [...good.results, ...bad.results].flatMap((r) => [
    `  - policy: ${suitePolicyName(req)}`,
    '    isValidatingPolicy: true',
    `    kind: ${r.kind}`,
    '    resources:',
    `      - ${r.name}`,
    `    result: ${r.result}`,
  ]);
  const suite = [
    `# The Kyverno CLI test suite of the template ${req.name} (template.ts). policy.yaml is the`,
    '# template rendered with its default parameters in Audit (`npx krate-policy generate` writes it);',
    '# every resource in good.yaml must pass, every one in bad.yaml must fail.',
    '# Run: npx krate-policy test <this folder> (offline), or kyverno test <this folder>.',
    `# ${note}`,
    'apiVersion: cli.kyverno.io/v1alpha1',
    'kind: Test',
    'metadata:',
    `  name: ${req.name}`,
    'policies:',
    `  - ${TEMPLATE_FOLDER_FILES.policy}`,
    'resources:',
    '  - good.yaml',
    '  - bad.yaml',
    'results:',
    ...results,
    '',
  ].join('\n');
  return new Map([
    [TEMPLATE_FOLDER_FILES.test, suite],
    ['good.yaml', good.file],
    ['bad.yaml', bad.file],
  ]);
}
