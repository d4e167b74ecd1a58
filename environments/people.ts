import type { PersonaGroups, Person } from './types';

/**
 * The identity provider's groups for Krate's cluster-wide personas. One organisation, one
 * directory: every environment binds the same groups (an environment that differs defines its own
 * object). Exception requesters and repo admins are bound per org (environments/tenants.ts).
 */
export const PERSONA_GROUPS: PersonaGroups = {
  viewer: ['krate-developers'],
  platformAdmin: ['krate-platform'],
};

/**
 * The people who request and approve exceptions and approve enforce-mode repository bindings,
 * with their groups as the identity provider reports them: approvals are checked against this.
 */
export const PEOPLE: readonly Person[] = [
  { email: 'platform-lead@a5c.ai', groups: ['krate-platform'] },
  { email: 'sre-oncall@a5c.ai', groups: ['krate-platform'] },
  { email: 'dana@a5c.ai', groups: ['krate-developers', 'shop-developers'] },
  { email: 'lee@a5c.ai', groups: ['krate-developers', 'shop-repo-admins'] },
  { email: 'sam@a5c.ai', groups: ['krate-developers', 'labs-developers'] },
];
