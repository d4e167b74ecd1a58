import type { PersonaGroups } from './types';

/**
 * The identity provider's groups for Krate's personas. One organisation, one directory: every
 * environment binds the same groups (an environment that differs defines its own object).
 */
export const PERSONA_GROUPS: PersonaGroups = {
  viewer: ['krate-developers'],
  exceptionRequester: ['krate-developers'],
  repoAdmin: ['krate-repo-admins'],
  platformAdmin: ['krate-platform'],
};
