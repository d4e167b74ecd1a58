import type { Environment } from '@marcbachmann/cel-js';

// Kubernetes CEL extension functions the policies use and cel-js does not ship. Each behaves as its
// Kubernetes (cel-go ext / apiserver) counterpart; test/lib/cel.test.ts pins every one.

/** Receiver type for the cel-go `sets` library: `sets.contains(a, b)` is a call on the constant `sets`. */
class SetsLibrary {}

/**
 * A Kubernetes resource quantity (`resource.Quantity` serialization): a signed decimal number and an
 * optional suffix (binary SI Ki..Ei, decimal SI n u m k M G T P E, or a decimal exponent e/E±N).
 */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** True when `s` parses as a Kubernetes quantity, as `isQuantity(string)` in the apiserver. */
export function isQuantity(s: string): boolean {
  return QUANTITY.test(s);
}

// CEL equality between list elements: strings, bools, ints (BigInt) and doubles compare by value.
const celEquals = (a: unknown, b: unknown): boolean => a === b || (typeof a !== 'object' && typeof b !== 'object' && a == b);  

/** `sets.contains(list, sublist)`: every element of sublist is in list (cel-go ext.Sets). */
export function setsContains(list: readonly unknown[], sub: readonly unknown[]): boolean {
  return sub.every((x) => list.some((y) => celEquals(x, y)));
}

/** `sets.intersects(a, b)`: at least one element in common (cel-go ext.Sets). */
export function setsIntersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.some((x) => b.some((y) => celEquals(x, y)));
}

/** `sets.equivalent(a, b)`: the same elements, ignoring order and duplicates (cel-go ext.Sets). */
export function setsEquivalent(a: readonly unknown[], b: readonly unknown[]): boolean {
  return setsContains(a, b) && setsContains(b, a);
}

/** Registers every extension on a cel-js environment. */
export function registerKubernetesExtensions(env: Environment): void {
  env.registerType('kubernetes.SetsLibrary', SetsLibrary);
  env.registerConstant('sets', 'kubernetes.SetsLibrary', new SetsLibrary());
  const listFn = (name: string, fn: (a: readonly unknown[], b: readonly unknown[]) => boolean) =>
    env.registerFunction({
      name,
      receiverType: 'kubernetes.SetsLibrary',
      returnType: 'bool',
      params: [{ name: 'a', type: 'list' }, { name: 'b', type: 'list' }],
      handler: (_self: SetsLibrary, a: readonly unknown[], b: readonly unknown[]) => fn(a, b),
    });
  listFn('contains', setsContains);
  listFn('intersects', setsIntersects);
  listFn('equivalent', setsEquivalent);
  env.registerFunction('isQuantity(string): bool', (s: string) => isQuantity(s));
}
