import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { Manifest, SourcedManifest } from '../lib/manifests';
import { resourceId } from '../lib/manifests';

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

/**
 * Where each API group's compiled validators live (maintained packages; they run offline).
 * Core kinds come from kubernetes-models, Argo CD and Kyverno kinds from their third-party models.
 */
function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!/^[A-Za-z0-9]+$/.test(kind) || !/^v\d+((alpha|beta)\d+)?$/.test(version ?? '')) return undefined;
  if (group === 'argoproj.io') return `@kubernetes-models/argo-cd/${group}/${version}/${kind}`;
  if (/(^|\.)kyverno\.io$/.test(group) || group === 'wgpolicyk8s.io' || group === 'openreports.io') {
    return `@kubernetes-models/kyverno/${group}/${version}/${kind}`;
  }
  if (group === '' ) return `kubernetes-models/${version}/${kind}`;
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

const modelCache = new Map<string, Promise<ValidateThis | undefined>>();

async function loadModelValidator(apiVersion: string, kind: string): Promise<ValidateThis | undefined> {
  const key = `${apiVersion}/${kind}`;
  let cached = modelCache.get(key);
  if (!cached) {
    const mod = modelModule(apiVersion, kind);
    cached = mod
      ? import(mod).then(
          (m: Record<string, { prototype?: { validate?: ValidateThis } }>) => m[kind]?.prototype?.validate,
          (e: unknown) => {
            // A missing module means no schema for that kind; anything else is a broken install.
            if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || (e as { code?: string }).code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(String(e))) return undefined;
            throw e;
          },
        )
      : Promise.resolve(undefined);
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
    errors = ((e as { errors?: AjvLikeError[] }).errors ?? [{ instancePath: '', keyword: 'error', message: (e as Error).message }]) as AjvLikeError[];
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
  if (schema.type === 'object' && schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Fields upstream added after the pinned schema package was generated, checked here and removed
 * before the package's validator runs. Keep this list short and cite the release for each entry.
 */
const NEWER_FIELDS: Readonly<Record<string, ReadonlyArray<{ readonly parent: string; readonly field: string; readonly check: (v: unknown) => string | undefined }>>> = {
  // Kyverno v1.19: PolicyException.spec.expiresAt (metav1.Time); @kubernetes-models/kyverno 2.0.0 predates it.
  'policies.kyverno.io/v1/PolicyException': [
    { parent: 'spec', field: 'expiresAt', check: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'must be an RFC 3339 date-time like 2026-12-22T00:00:00Z') },
  ],
};

function checkNewerFields(manifest: Manifest, add: (field: string, message: string) => void): Manifest {
  const fields = NEWER_FIELDS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!fields) return manifest;
  let copy = manifest;
  for (const { parent, field, check } of fields) {
    const holder = (copy as Record<string, unknown>)[parent];
    if (!holder || typeof holder !== 'object' || !(field in holder)) continue;
    const problem = check((holder as Record<string, unknown>)[field]);
    if (problem) add(`${parent}.${field}`, problem);
    const { [field]: _checked, ...rest } = holder as Record<string, unknown>;
    void _checked;
    copy = { ...copy, [parent]: rest } as Manifest;
  }
  return copy;
}

/** Validates manifests against core, Argo CD and Kyverno schemas and the CRDs found among them. */
export class SchemaValidator {
  private readonly crds = new Map<string, CrdSchema>();
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

  /** Registers the CRDs among these manifests so objects of those kinds validate against them. */
  addCrds(manifests: readonly Manifest[]): void {
    for (const m of manifests) {
      if (m.kind !== 'CustomResourceDefinition') continue;
      const spec = m.spec as { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[] };
      for (const v of spec.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        const withMeta = { ...schema, properties: { ...(schema.properties as object), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } } };
        this.crds.set(`${spec.group}/${v.name}/${spec.names.kind}`, { validate: this.ajv.compile(structural(withMeta)) });
      }
    }
  }

  async validate(items: readonly SourcedManifest[]): Promise<SchemaFinding[]> {
    this.addCrds(items.map((i) => i.manifest));
    const findings: SchemaFinding[] = [];
    for (const { manifest, file } of items) {
      const resource = resourceId(manifest);
      const add = (field: string, message: string): void => void findings.push({ file, resource, field, message });
      if (!manifest.metadata || typeof manifest.metadata.name !== 'string' || manifest.metadata.name === '') {
        add('metadata.name', 'missing required field');
        continue;
      }
      const crd = this.crds.get(`${manifest.apiVersion}/${manifest.kind}`);
      if (crd) {
        if (!crd.validate(manifest)) for (const e of crd.validate.errors ?? []) add(fieldPath(e.instancePath), describe(e as AjvLikeError));
        continue;
      }
      const validate = await loadModelValidator(manifest.apiVersion, manifest.kind);
      if (!validate) {
        add('apiVersion', `no schema known for ${manifest.apiVersion} ${manifest.kind}; only Kubernetes core, Argo CD, Kyverno and this repository's CRD kinds are accepted`);
        continue;
      }
      const newer = checkNewerFields(manifest, add);
      const { errors, unknown } = validateTracked(validate, newer);
      for (const e of errors) add(fieldPath(e.instancePath), describe(e));
      const declared = unknown.length > 0 ? declaredFields(modelModule(manifest.apiVersion, manifest.kind)!) : new Set<string>();
      for (const u of unknown.filter((p) => !declared.has(p.split('/').pop()!))) add(fieldPath(u), 'unknown field (misspelled, or not part of this kind\'s schema)');
    }
    return findings;
  }
}

/** Runs kubeconform too when it is on PATH (it cannot be installed here, but users may have it). */
export function runKubeconformIfPresent(paths: readonly string[]): { ran: boolean; ok: boolean; output: string } {
  try {
    const output = execFileSync('kubeconform', ['-strict', '-ignore-missing-schemas', '-summary', ...paths], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ran: true, ok: true, output };
  } catch (e) {
    const err = e as { code?: string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') return { ran: false, ok: true, output: '' };
    return { ran: true, ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}
