import type { ApiObject } from 'cdk8s';
import { show } from '../lib/errors';

/**
 * Checks that a typed object built from plain JSON (a chart's output, a rendered policy) writes that
 * JSON's spec back unchanged. The generated classes in imports/ serialize only the fields their CRD
 * schema names, under their JSON names (`repoUrl` → `repoURL`), so a field they do not know, or
 * one passed under its JSON name, would otherwise vanish from dist/ without a word.
 */
export function checkSerializedSpec(obj: ApiObject, spec: unknown, origin: string): void {
  const written = (obj.toJson() as { spec?: unknown }).spec;
  const problem = firstDifference(spec, written, 'spec');
  if (problem) {
    throw new Error(
      `${origin}: ${problem}: the generated ${obj.kind} class in imports/ does not carry the field (map it to the class's property name, or regenerate imports/ with npm run import:crds)`,
    );
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The first path where `got` differs from `want` (null and a missing field count as equal, as cdk8s drops both). */
function firstDifference(want: unknown, got: unknown, path: string): string | undefined {
  if (want == null && got == null) return undefined;
  if (Array.isArray(want) && Array.isArray(got) && want.length === got.length) {
    for (const [i, w] of want.entries()) {
      const d = firstDifference(w, got[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isMap(want) && isMap(got)) {
    for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const d = firstDifference(want[key], got[key], `${path}.${key}`);
      if (d) return d;
    }
    return undefined;
  }
  return want === got ? undefined : `${path} is ${show(want)} but would be written as ${show(got)}`;
}
