// Parsed YAML and JSON whose shape is not known yet: one type for it, and accessors that narrow.
// Read unknown data as `obj(x)?.field`, `arr(x) ?? []`, `str(x)`: each answers undefined for a
// value of another shape instead of pretending it has one. Where a module reads a known shape (a
// policy's spec), it declares an interface for it instead.

/** A value of parsed YAML or JSON. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A mapping of parsed YAML or JSON; a key it does not have reads undefined. */
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** Whether `v` is a mapping: an object that is neither null nor a list. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` when it is a mapping, else undefined: `obj(x)?.field` reads a field of unknown data. */
export function obj(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** `v` when it is a list, else undefined. */
export function arr(v: unknown): JsonValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** `v` when it is a string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
