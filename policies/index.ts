// The policy template library: every folder policies/<pack>/<template>/ (discovered into
// policies/catalog.ts by `npx krate-policy generate`), by pack. Other areas (rollout ladder,
// exceptions, checks) refer to templates by name through TEMPLATES.
import { TEMPLATE_CATALOG } from './catalog';
import { POLICY_PACKS } from './packs';
import type { PolicyTemplate } from './template';

export { POLICY_PACKS, PACK_CATEGORIES, type PolicyPackName } from './packs';
export type { PolicyTemplate, ParameterSpec, ParameterValues, ResourceRule, Validation, NamedExpression, PolicyBody } from './template';

const packRank = (t: PolicyTemplate): number => (POLICY_PACKS as readonly string[]).indexOf(t.pack);

/** Every template, by pack (the order of POLICY_PACKS), then by name. */
export const TEMPLATES: readonly PolicyTemplate[] = [...TEMPLATE_CATALOG].sort(
  (a, b) => packRank(a) - packRank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
);

/** A template by name, or undefined. */
export function findTemplate(name: string): PolicyTemplate | undefined {
  return TEMPLATES.find((t) => t.name === name);
}
