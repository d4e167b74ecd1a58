// What a test's cluster looks like to Kyverno's context libraries, offline: the objects served to
// `resource.Get` / `resource.List` (a `Context` file's spec.resources, plus clusterResources and
// the test's own resources when the test names clusterResources, as the Kyverno CLI then uses a
// fake cluster of all of them), image metadata for `image.GetMetadata` (spec.images),
// globalContextEntries for `globalContext.Get` and apiCallResponses for `http.Get` / `http.Post`.
import { isObject, obj, type JsonObject } from '../../lib/json';
import type { Manifest } from '../../lib/manifests';
import { toCelValue } from './cel';
import { fail } from './cel-types';
import { groupOf, KindResolver, versionOf } from '../../lib/kinds';
import { selectorMatches } from '../../lib/label-selector';

/** A group/version/resource, as `resource.ToGVR` returns and the gvr overloads take. */
export class GVR {
  constructor(
    readonly group: string,
    readonly version: string,
    readonly resource: string,
  ) {}

  get apiVersion(): string {
    return this.group ? `${this.group}/${this.version}` : this.version;
  }
}

export class ClusterSnapshot {
  /** `group/version/resource` → namespace → name → object (as a CEL value). */
  private readonly objects = new Map<string, Map<string, Map<string, Record<string, unknown>>>>();
  private readonly images = new Map<string, unknown>();
  private readonly globals = new Map<string, unknown>();
  private readonly http = new Map<string, unknown>();

  constructor(readonly kinds: KindResolver) {}

  /** Serves an object (stored as given: the Kyverno CLI does not default a context object's namespace). */
  addObject(m: Manifest): void {
    const key = `${groupOf(m.apiVersion)}/${versionOf(m.apiVersion)}/${this.kinds.resource(m.apiVersion, m.kind)}`;
    let byNamespace = this.objects.get(key);
    if (!byNamespace) this.objects.set(key, (byNamespace = new Map()));
    const ns = (m.metadata?.namespace as string | undefined) ?? '';
    let byName = byNamespace.get(ns);
    if (!byName) byNamespace.set(ns, (byName = new Map()));
    byName.set(m.metadata?.name ?? '', toCelValue(m) as Record<string, unknown>);
  }

  addImage(image: string, data: unknown): void {
    this.images.set(image, toCelValue(data));
  }

  addGlobal(name: string, data: unknown): void {
    this.globals.set(name, toCelValue(data));
  }

  /** An apiCallResponses entry: `METHOD:url` or `url` → the response as Kyverno wraps it ({body, statusCode}). */
  addHttp(key: string, response: unknown): void {
    this.http.set(key, toCelValue(response));
  }

  private key(apiVersion: string, resource: string): string {
    if (typeof apiVersion !== 'string' || typeof resource !== 'string') return fail('resource: apiVersion and resource must be strings');
    return `${groupOf(apiVersion)}/${versionOf(apiVersion)}/${resource}`;
  }

  /** The object, or null when absent (Kyverno maps NotFound to null). */
  get(apiVersion: string, resource: string, namespace: string, name: string): unknown {
    return this.objects.get(this.key(apiVersion, resource))?.get(namespace)?.get(name) ?? null;
  }

  /** `{apiVersion, kind, metadata, items}`, items sorted by name; labels select as a label selector's matchLabels. */
  list(apiVersion: string, resource: string, namespace: string, labels?: Record<string, string>): unknown {
    const byNamespace = this.objects.get(this.key(apiVersion, resource));
    const pools = namespace === '' && byNamespace ? [...byNamespace.values()] : [byNamespace?.get(namespace)];
    const items: unknown[] = [];
    for (const pool of pools) {
      for (const name of [...(pool?.keys() ?? [])].sort()) {
        const obj = pool!.get(name)!;
        const objLabels = ((obj.metadata as Record<string, unknown> | undefined)?.labels ?? {}) as Record<string, string>;
        if (!labels || selectorMatches({ matchLabels: labels }, objLabels)) items.push(obj);
      }
    }
    const kind = this.kinds.kindOf(groupOf(apiVersion), resource);
    return { apiVersion, kind: kind ? `${kind}List` : 'List', metadata: {}, items };
  }

  image(ref: string): unknown {
    const data = this.images.get(ref);
    if (data === undefined)
      return fail(
        `failed to get image data: image data for ${ref} not found in the context (add it to the test's context file under spec.images)`,
      );
    return data;
  }

  hasImage(ref: string): boolean {
    return this.images.has(ref);
  }

  global(name: string, projection: string): unknown {
    const data = this.globals.get(name);
    if (data === undefined) return null;
    if (projection === '') return data;
    if (typeof data === 'object' && data !== null && !Array.isArray(data) && Object.prototype.hasOwnProperty.call(data, projection))
      return (data as Record<string, unknown>)[projection];
    return fail(`failed to get global reference: projection "${projection}" not found in global context entry "${name}"`);
  }

  httpResponse(method: string, url: string): unknown {
    const hit = this.http.get(`${method}:${url}`) ?? this.http.get(url);
    if (hit === undefined) return fail(`HTTP ${method} ${url}: no network offline; mock it in the test's apiCallResponses`);
    return hit;
  }
}

/** `resource` in CEL: the snapshot seen from one policy (namespaced policies read their own namespace). */
export class ResourceContext {
  constructor(
    readonly snapshot: ClusterSnapshot,
    readonly policyNamespace: string,
  ) {}
}

/** `image` in CEL (Kyverno's imagedata library). */
export class ImageDataContext {
  constructor(readonly snapshot: ClusterSnapshot) {}
}

/** `globalContext` in CEL. */
export class GlobalContext {
  constructor(readonly snapshot: ClusterSnapshot) {}
}

/** `http` in CEL: answers only from the test's apiCallResponses. */
export class HttpContext {
  constructor(readonly snapshot: ClusterSnapshot) {}
}

/**
 * Loads a parsed Kyverno CLI `Context` document (`spec.resources` served to resource.Get/List,
 * `spec.images` to image.GetMetadata) into the snapshot, as `kyverno test` reads its `context`
 * file; `krate-policy test` and `scan --context` both read Context files through this. Every
 * problem names `where` (the file as shown) and is appended to `problems`.
 */
export function loadContext(c: unknown, where: string, snapshot: ClusterSnapshot, problems: string[]): void {
  if (!isObject(c) || (c.spec !== undefined && !isObject(c.spec))) {
    problems.push(`${where}: not a Context (apiVersion: cli.kyverno.io/v1alpha1, kind: Context, spec: {resources, images})`);
    return;
  }
  const objs = obj(c.spec)?.resources ?? [];
  if (!Array.isArray(objs)) problems.push(`${where}: spec.resources: not a list of Kubernetes objects`);
  else
    objs.forEach((o: unknown, j: number) => {
      if (isObject(o) && typeof o.apiVersion === 'string' && typeof o.kind === 'string' && isObject(o.metadata))
        snapshot.addObject(o as Manifest);
      else problems.push(`${where}: spec.resources[${j}]: not a Kubernetes object (needs apiVersion, kind and metadata)`);
    });
  const images = obj(c.spec)?.images ?? [];
  if (!Array.isArray(images)) problems.push(`${where}: spec.images: not a list of image data`);
  else
    images.forEach((img: unknown, j: number) => {
      if (!isObject(img) || typeof img.image !== 'string')
        problems.push(`${where}: spec.images[${j}]: needs image (the reference policies look up)`);
      else snapshot.addImage(img.image, imageData(img));
    });
}

/** A Context file's image entry as Kyverno serialises it (ImageData JSON). */
function imageData(img: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['image', 'resolvedImage', 'registry', 'repository']) out[k] = img[k] ?? '';
  for (const k of ['tag', 'digest', 'imageIndex', 'manifest', 'config']) if (img[k] !== undefined && img[k] !== '') out[k] = img[k];
  for (const k of Object.keys(img)) if (!(k in out)) out[k] = img[k];
  return out;
}
