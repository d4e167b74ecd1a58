import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runValidateFunc } from '@kubernetes-models/validate';
import Ajv, { type ValidateFunction } from 'ajv';
import { ConfigError } from '../lib/errors';
import type { Manifest, SourcedManifest } from '../lib/manifests';
import { objectName, resourceId } from '../lib/manifests';
import { REPO_ROOT } from '../lib/paths';

const UNKNOWN_FIELD = "unknown field (misspelled, or not part of this kind's schema)";

/** One schema finding: where, which object, which field, what is wrong. */
export interface SchemaFinding {
  readonly file: string;
  readonly resource: string;
  readonly field: string;
  readonly message: string;
}

export function formatFinding(f: SchemaFinding): string {
  return `${f.file}: ${f.resource}: ${f.field || '(object)'}: ${f.message}`;
}

type ValidateThis = (this: unknown) => void;
interface AjvLikeError {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params?: Record<string, unknown>;
}

/** The API groups whose schemas are Kyverno's (imports/kyverno; openreports.io defines no kind there). */
function isKyvernoGroup(group: string): boolean {
  return /(^|\.)kyverno\.io$/.test(group) || group === 'wgpolicyk8s.io' || group === 'openreports.io';
}

/**
 * Where each API group's compiled validators live (maintained packages; they run offline).
 * Core kinds come from kubernetes-models, Argo CD and Prometheus Operator kinds from their third-party models; Kyverno kinds
 * are not here (`kyvernoImport`).
 */
function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!/^[A-Za-z0-9]+$/.test(kind) || !/^v\d+((alpha|beta)\d+)?$/.test(version ?? '')) return undefined;
  if (group === 'argoproj.io') return `@kubernetes-models/argo-cd/${group}/${version}/${kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  if (isKyvernoGroup(group)) return undefined;
  if (group === '') return `kubernetes-models/${version}/${kind}`;
  if (!group.includes('.') || group.endsWith('.k8s.io')) return `kubernetes-models/${group}/${version}/${kind}`;
  return undefined;
}

const declaredCache = new Map<string, Set<string>>();

/**
 * Every field name the package's type declarations mention. Some compiled validators skip
 * unconstrained properties (Argo CD's AppProject `description`), so a key the validator did not ask
 * for is only reported when the package declares no field by that name anywhere.
 */
function declaredFields(modulePath: string): Set<string> {
  const pkg = modulePath.startsWith('@') ? modulePath.split('/').slice(0, 2).join('/') : modulePath.split('/')[0];
  let names = declaredCache.get(pkg);
  if (names) return names;
  names = new Set<string>();
  const root = dirname(createRequire(__filename).resolve(`${pkg}/package.json`));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.d.ts')) for (const m of readFileSync(full, 'utf8').matchAll(/"([^"]+)"\??:/g)) names!.add(m[1]);
    }
  };
  walk(root);
  declaredCache.set(pkg, names);
  return names;
}

/**
 * Kyverno's schemas: validators generated from the CRDs of the Kyverno release the repository pins
 * (imports/kyverno, committed; `npm run import:kyverno` regenerates them), one ES module per served
 * version. Strict like the API server: an object that declares its fields rejects any other
 * (additionalProperties: false), so only metadata needs the unknown-field tracking below.
 */
const KYVERNO_IMPORTS = join(REPO_ROOT, 'imports', 'kyverno');
const RESTORE_IMPORTS =
  'imports/kyverno/ is committed with the repository; restore it with `git checkout -- imports/kyverno` (or regenerate it with `npm run import:kyverno`)';

interface KyvernoKinds {
  readonly kyverno: string;
  /** `group/version/Kind` → the CRD file it was generated from. */
  readonly kinds: Readonly<Record<string, string>>;
}

let kyvernoKinds: KyvernoKinds | undefined;

function kyvernoImports(): KyvernoKinds {
  if (!kyvernoKinds) {
    const file = join(KYVERNO_IMPORTS, 'kinds.json');
    try {
      kyvernoKinds = JSON.parse(readFileSync(file, 'utf8')) as KyvernoKinds;
    } catch (e) {
      throw new ConfigError([`${file} cannot be read (${(e as Error).message.split('\n')[0]}): ${RESTORE_IMPORTS}`]);
    }
  }
  return kyvernoKinds;
}

/** The generated validator's module for a Kyverno kind, or undefined when Kyverno serves no such kind and version. */
function kyvernoImport(apiVersion: string, kind: string): string | undefined {
  if (!apiVersion.includes('/') || !isKyvernoGroup(apiVersion.split('/')[0])) return undefined;
  const key = `${apiVersion}/${kind}`;
  // An absolute path: Linux only, as the rest of the toolchain (the packaged helm and kubectl).
  return Object.hasOwn(kyvernoImports().kinds, key) ? join(KYVERNO_IMPORTS, `${key}.js`) : undefined;
}

/** The versions Kyverno serves a kind of one of its groups in (for the unknown-version message). */
function kyvernoVersions(group: string, kind: string): string[] {
  if (!isKyvernoGroup(group)) return [];
  return Object.keys(kyvernoImports().kinds)
    .map((k) => k.split('/'))
    .filter(([g, , k]) => g === group && k === kind)
    .map(([, v]) => v);
}

/** A built-in schema: a validator, and whether it is strict (rejects unknown fields itself) outside metadata. */
interface ModelValidator {
  readonly validate: ValidateThis;
  /** The package whose declarations name its fields; undefined for the strict Kyverno validators. */
  readonly declaredIn?: string;
}

const modelCache = new Map<string, Promise<ModelValidator | undefined>>();

/** A module that is not there (or that a package does not export) means no schema for that kind. */
function isMissingModule(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' ||
    /Cannot find module/.test(String(e))
  );
}

async function loadModelValidator(apiVersion: string, kind: string): Promise<ModelValidator | undefined> {
  const key = `${apiVersion}/${kind}`;
  let cached = modelCache.get(key);
  if (!cached) {
    const generated = kyvernoImport(apiVersion, kind);
    const mod = modelModule(apiVersion, kind);
    if (generated) {
      // kinds.json lists it, so a missing file is a damaged checkout, not an unknown kind.
      const broken = (why: string) => new ConfigError([`${generated} ${why}: ${RESTORE_IMPORTS}`]);
      cached = import(generated).then(
        (m: { validate?: (data: unknown) => boolean }) => {
          const fn = m.validate;
          if (typeof fn !== 'function') throw broken('exports no validate function');
          // runValidateFunc throws the errors with English messages, as the packaged models' validate does.
          return {
            validate: function (this: unknown) {
              runValidateFunc(fn as Parameters<typeof runValidateFunc>[0], this);
            },
          };
        },
        (e: unknown) => {
          throw isMissingModule(e) ? broken('is missing') : e;
        },
      );
    } else if (mod) {
      cached = import(mod).then(
        (m: Record<string, { prototype?: { validate?: ValidateThis } }>) => {
          const validate = m[kind]?.prototype?.validate;
          return validate ? { validate, declaredIn: mod } : undefined;
        },
        // A missing module means no schema for that kind; anything else is a broken install.
        (e: unknown) => {
          if (isMissingModule(e)) return undefined;
          throw e;
        },
      );
    } else {
      cached = Promise.resolve(undefined);
    }
    modelCache.set(key, cached);
  }
  return cached;
}

/**
 * Runs a compiled validator over a Proxy that records which keys it looks up at each path. The
 * packaged validators accept unknown fields; a field the validator never asked for, in an object
 * whose schema names its properties, is a misspelling or a field Kubernetes would drop.
 */
function validateTracked(validate: ValidateThis, data: unknown): { errors: AjvLikeError[]; unknown: string[] } {
  interface Seen {
    readonly value: Record<string, unknown>;
    readonly asked: Set<string>;
    enumerated: boolean;
  }
  const seen = new Map<string, Seen>();
  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const entry: Seen = { value: value as Record<string, unknown>, asked: new Set(), enumerated: false };
    if (!Array.isArray(value)) seen.set(path, entry);
    return new Proxy(value as object, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop !== 'string') return v;
        if (Array.isArray(target)) return /^\d+$/.test(prop) ? wrap(v, `${path}/${prop}`) : v;
        entry.asked.add(prop);
        return wrap(v, `${path}/${prop}`);
      },
      has(target, prop) {
        if (typeof prop === 'string') entry.asked.add(prop);
        return Reflect.has(target, prop);
      },
      ownKeys(target) {
        entry.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  let errors: AjvLikeError[] = [];
  try {
    validate.call(wrap(data, ''));
  } catch (e) {
    errors = ((e as { errors?: AjvLikeError[] }).errors ?? [
      { instancePath: '', keyword: 'error', message: (e as Error).message },
    ]) as AjvLikeError[];
  }
  const unknown: string[] = [];
  for (const [path, entry] of seen) {
    // Maps (labels, data) are enumerated; free-form objects (helm valuesObject) are never looked into.
    if (entry.enumerated || entry.asked.size === 0) continue;
    for (const key of Object.keys(entry.value)) if (!entry.asked.has(key)) unknown.push(`${path}/${key}`);
  }
  return { errors, unknown };
}

/** `/spec/containers/0/image` → `spec.containers[0].image` */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((seg, i) => (/^\d+$/.test(seg) ? `[${seg}]` : `${i === 0 ? '' : '.'}${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

function describe(e: AjvLikeError): string {
  const p = e.params ?? {};
  switch (e.keyword) {
    case 'type':
      return `must be ${String(p.type)}`;
    case 'required':
      return `missing required field '${String(p.missingProperty)}'`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[] | undefined)?.map(String).join('|') ?? 'the allowed values'}`;
    case 'additionalProperties':
      return `unknown field '${String(p.additionalProperty)}'`;
    case 'format':
      if (p.format === 'date-time') return 'must be an RFC 3339 date-time like 2026-12-22T00:00:00Z';
      return e.message ?? `must match format '${String(p.format)}'`;
    default:
      return e.message ?? e.keyword;
  }
}

/** A schema for a kind this repository defines as a CRD (validated against the CRD itself). */
interface CrdSchema {
  readonly validate: ValidateFunction;
}

/** Kubernetes structural-schema semantics for ajv: unknown fields are rejected unless preserved. */
function structural(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, structural(pv as Record<string, unknown>)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') {
      out[k] = structural(v as Record<string, unknown>);
    } else {
      out[k] = v;
    }
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (
    schema.type === 'object' &&
    schema.properties &&
    !schema['x-kubernetes-preserve-unknown-fields'] &&
    schema.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** A problem with a CRD that keeps it from giving schemas: the field and what is wrong. */
interface CrdProblem {
  readonly field: string;
  readonly message: string;
}

/** Validates manifests against core, Argo CD and Kyverno schemas and the CRDs found among them. */
export class SchemaValidator {
  private readonly crds = new Map<string, CrdSchema>();
  /** `group/Kind` → the CRD that defines it and the versions it serves (for the unknown-version message). */
  private readonly crdKinds = new Map<string, { readonly crd: string; readonly versions: string[] }>();
  private readonly ajv = new Ajv({
    allErrors: true,
    strict: false,
    // The OpenAPI formats Kubernetes CRDs use; ajv knows none of them by default (and warns).
    formats: {
      'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i,
      int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
      int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
    },
  });

  /**
   * Registers one CustomResourceDefinition: each served version's openAPIV3Schema, with
   * Kubernetes' structural rules (`structural`). Returns what keeps any part of it from registering.
   */
  private registerCrd(m: Manifest): CrdProblem[] {
    if (m.apiVersion !== 'apiextensions.k8s.io/v1') {
      return [
        {
          field: 'apiVersion',
          message: `'${m.apiVersion}' is not read: only apiextensions.k8s.io/v1 CRDs are (v1beta1 was removed in Kubernetes 1.22)`,
        },
      ];
    }
    const spec = (m.spec ?? {}) as { group?: unknown; names?: { kind?: unknown }; versions?: unknown };
    const problems: CrdProblem[] = [];
    if (typeof spec.group !== 'string' || spec.group === '')
      problems.push({ field: 'spec.group', message: 'missing: the API group of the kind it defines' });
    if (typeof spec.names?.kind !== 'string' || spec.names.kind === '')
      problems.push({ field: 'spec.names.kind', message: 'missing: the kind it defines' });
    if (!Array.isArray(spec.versions) || spec.versions.length === 0)
      problems.push({ field: 'spec.versions', message: 'missing: a list of versions, each with schema.openAPIV3Schema' });
    if (problems.length > 0) return problems;
    const group = spec.group as string;
    const kind = spec.names!.kind as string;
    const served: string[] = [];
    (spec.versions as Array<{ name?: unknown; served?: unknown; schema?: { openAPIV3Schema?: unknown } }>).forEach((v, i) => {
      const field = `spec.versions[${i}]`;
      if (typeof v?.name !== 'string' || v.name === '')
        return void problems.push({ field: `${field}.name`, message: 'missing: the version name' });
      if (v.served === false) return;
      const schema = v.schema?.openAPIV3Schema;
      if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
        return void problems.push({
          field: `${field}.schema.openAPIV3Schema`,
          message: 'missing: apiextensions.k8s.io/v1 needs a schema for every version',
        });
      }
      const properties = (schema as { properties?: unknown }).properties;
      const withMeta = {
        ...schema,
        properties: {
          ...(properties && typeof properties === 'object' ? properties : {}),
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { type: 'object' },
        },
      };
      try {
        this.crds.set(`${group}/${v.name}/${kind}`, { validate: this.ajv.compile(structural(withMeta)) });
        served.push(v.name);
      } catch (e) {
        problems.push({
          field: `${field}.schema.openAPIV3Schema`,
          message: `is not a valid schema: ${(e as Error).message.split('\n')[0]}`,
        });
      }
    });
    const known = this.crdKinds.get(`${group}/${kind}`);
    this.crdKinds.set(`${group}/${kind}`, { crd: m.metadata.name, versions: [...new Set([...(known?.versions ?? []), ...served])] });
    return problems;
  }

  /**
   * Registers the CRDs among these manifests (this repository's own, rendered by helm) so objects
   * of those kinds validate against them. A CRD that cannot give its schemas is a ConfigError.
   */
  addCrds(manifests: readonly Manifest[], source = 'CRDs'): void {
    const problems = manifests
      .filter((m) => m.kind === 'CustomResourceDefinition')
      .flatMap((m) => this.registerCrd(m).map((p) => `${source}: ${resourceId(m)}: ${p.field}: ${p.message}`));
    if (problems.length > 0) throw new ConfigError(problems);
  }

  /**
   * Registers the CRDs in files a user names (`validate --crd`): every CRD must give its schemas
   * and the files must hold at least one CRD; anything else is a ConfigError naming the file.
   * Returns how many CRDs were registered.
   */
  addCrdFiles(items: readonly SourcedManifest[], paths: readonly string[]): number {
    const crds = items.filter((i) => i.manifest.kind === 'CustomResourceDefinition');
    if (crds.length === 0) {
      throw new ConfigError([
        `--crd ${paths.join(', ')}: no CustomResourceDefinition found (${items.length} other object(s)); name the files or folders that hold the CRDs`,
      ]);
    }
    const problems = crds.flatMap((i) =>
      this.registerCrd(i.manifest).map((p) => `${i.file}: document ${i.index}: ${resourceId(i.manifest)}: ${p.field}: ${p.message}`),
    );
    if (problems.length > 0) throw new ConfigError(problems);
    return crds.length;
  }

  /**
   * Validates every item, except those of kinds skipped on purpose (`--skip-kind`). CRDs in the
   * items define kinds too, skipped or not.
   */
  async validate(items: readonly SourcedManifest[], skips: readonly KindSkip[] = []): Promise<SchemaFinding[]> {
    const findings: SchemaFinding[] = [];
    // A CRD version that cannot give a schema is a finding on the CRD; a missing group, kind or
    // version list is reported by the CRD's own schema check below.
    for (const { manifest, file } of items) {
      if (manifest.kind !== 'CustomResourceDefinition') continue;
      const problems = this.registerCrd(manifest).filter((p) => p.field.startsWith('spec.versions['));
      if (!skippedBy(manifest, skips))
        for (const p of problems) findings.push({ file, resource: resourceId(manifest), field: p.field, message: p.message });
    }
    for (const { manifest, file } of items) {
      if (skippedBy(manifest, skips)) continue;
      const resource = resourceId(manifest);
      const add = (field: string, message: string): void => void findings.push({ file, resource, field, message });
      if (!manifest.metadata || !objectName(manifest)) {
        add('metadata.name', 'missing required field');
        continue;
      }
      const crd = this.crds.get(`${manifest.apiVersion}/${manifest.kind}`);
      if (crd) {
        if (!crd.validate(manifest)) for (const e of crd.validate.errors ?? []) add(fieldPath(e.instancePath), describe(e as AjvLikeError));
        continue;
      }
      const model = await loadModelValidator(manifest.apiVersion, manifest.kind);
      if (!model) {
        add('apiVersion', this.unknownKind(manifest));
        continue;
      }
      const { errors, unknown } = validateTracked(model.validate, manifest);
      for (const e of errors) {
        // The strict validators report an unknown field on its parent; name the field itself, as below.
        if (e.keyword === 'additionalProperties' && !model.declaredIn)
          add(fieldPath(`${e.instancePath}/${String(e.params?.additionalProperty)}`), UNKNOWN_FIELD);
        else add(fieldPath(e.instancePath), describe(e));
      }
      const declared = model.declaredIn && unknown.length > 0 ? declaredFields(model.declaredIn) : new Set<string>();
      // The strict validators check every field themselves but metadata (ObjectMeta's validator is not strict).
      const tracked = model.declaredIn ? unknown : unknown.filter((p) => p.startsWith('/metadata/'));
      for (const u of tracked.filter((p) => !declared.has(p.split('/').pop()!))) add(fieldPath(u), UNKNOWN_FIELD);
    }
    return findings;
  }

  /** Why a kind has no schema, and the two ways out: its CRD, or skipping it on purpose. */
  private unknownKind(m: Manifest): string {
    const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
    const known = this.crdKinds.get(`${group}/${m.kind}`);
    if (known)
      return `no schema for ${m.apiVersion} ${m.kind}: CRD ${known.crd} serves ${known.versions.length > 0 ? `version(s) ${known.versions.join(', ')}` : 'no version'}, not ${m.apiVersion.split('/').pop()}`;
    const kyverno = kyvernoVersions(group, m.kind);
    if (kyverno.length > 0)
      return `no schema for ${m.apiVersion} ${m.kind}: Kyverno ${kyvernoImports().kyverno} serves version(s) ${kyverno.join(', ')}, not ${m.apiVersion.split('/').pop()}`;
    return `no schema known for ${m.apiVersion} ${m.kind} (built in: Kubernetes core, Argo CD, Prometheus Operator, Kyverno and this repository's CRD kinds); give its CRD with --crd <file|dir>, or skip the kind on purpose with --skip-kind ${group ? `${group}/` : ''}${m.kind}`;
  }
}

/** One `--skip-kind` value: a kind in any API group, or in one group (`core` is the core group). */
export interface KindSkip {
  /** The value as given, for the summary. */
  readonly value: string;
  /** undefined: any group. */
  readonly group?: string;
  readonly kind: string;
}

/** Parses `--skip-kind` values (`Kind` or `group/Kind`); a malformed value is a ConfigError with an example. */
export function parseKindSkips(values: readonly string[]): KindSkip[] {
  const problems: string[] = [];
  const skips: KindSkip[] = [];
  for (const value of values) {
    const m = /^(?:([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/)?([A-Za-z][A-Za-z0-9]*)$/.exec(value);
    if (!m) {
      problems.push(
        `--skip-kind: '${value}' is not Kind or group/Kind (e.g. --skip-kind Widget or --skip-kind example.com/Widget; no version)`,
      );
    } else if (m[1] !== undefined && /^v\d+((alpha|beta)\d+)?$/.test(m[1])) {
      problems.push(
        `--skip-kind: '${value}': ${m[1]} is a version, not an API group; use ${m[3]} (any group) or ${m[1] === 'v1' ? 'core' : '<group>'}/${m[3]}`,
      );
    } else {
      skips.push({ value, ...(m[1] === undefined ? {} : { group: m[1] === 'core' ? '' : m[1] }), kind: m[3] });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return skips;
}

/** The first skip that matches the object's kind (and API group, when the skip names one). */
export function skippedBy(m: Manifest, skips: readonly KindSkip[]): KindSkip | undefined {
  if (skips.length === 0) return undefined;
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
  return skips.find((s) => s.kind === m.kind && (s.group === undefined || s.group === group));
}

/** How many items each skip value skips (every value listed, 0 when it matched nothing), and the skipped items. */
export function countSkips(
  items: readonly SourcedManifest[],
  skips: readonly KindSkip[],
): { readonly counts: Map<string, number>; readonly skipped: SourcedManifest[] } {
  const counts = new Map(skips.map((s) => [s.value, 0]));
  const skipped = items.filter(({ manifest }) => {
    const hit = skippedBy(manifest, skips);
    if (hit) counts.set(hit.value, counts.get(hit.value)! + 1);
    return hit !== undefined;
  });
  return { counts, skipped };
}

/**
 * kubeconform's arguments: strict, kinds without a schema ignored (this validator reports those),
 * and the objects skipped on purpose skipped there too (`-skip` takes `apiVersion/Kind`).
 */
export function kubeconformArgs(paths: readonly string[], skipped: readonly Manifest[] = []): string[] {
  const skip = [...new Set(skipped.map((m) => `${m.apiVersion}/${m.kind}`))].sort();
  return ['-strict', '-ignore-missing-schemas', '-summary', ...(skip.length > 0 ? ['-skip', skip.join(',')] : []), ...paths];
}

/** Runs kubeconform too when it is on PATH (it cannot be installed here, but users may have it). */
export function runKubeconformIfPresent(
  paths: readonly string[],
  skipped: readonly Manifest[] = [],
): { ran: boolean; ok: boolean; output: string } {
  try {
    const output = execFileSync('kubeconform', kubeconformArgs(paths, skipped), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ran: true, ok: true, output };
  } catch (e) {
    const err = e as { code?: string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') return { ran: false, ok: true, output: '' };
    return { ran: true, ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}
