// Kubernetes label selectors (metav1.LabelSelector) as policies' namespaceSelector and
// objectSelector and resource.List's label filter use them: one implementation for scan and test.

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

/** metav1.LabelSelectorAsSelector's validation: throws for a selector Kubernetes refuses. */
export function checkSelector(s: LabelSelector): void {
  for (const e of s.matchExpressions ?? []) {
    const n = (e.values ?? []).length;
    if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0)
      throw new Error(`values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty`);
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0)
      throw new Error(`values: Invalid value: for 'exists', 'doesnotexist' operators, values set must be empty`);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator))
      throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
  }
}

/** Whether labels satisfy the selector (NotIn and DoesNotExist hold when the label is absent). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!has(k) || labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = has(e.key);
    const inValues = present && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !present) return false;
    if (e.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}
