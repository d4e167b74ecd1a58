// Resolving the repository's configuration: every environment, the rollout and the exceptions,
// validated together against the template library (all passed in as arguments), with the
// per-environment plan computed once and carried on each resolved environment.
import type { ExceptionRequest } from '../environments/types';
import { hasKyverno } from '../environments/types';
import { Problems } from '../lib/errors';
import { didYouMean } from '../lib/suggest';
import type { PolicyTemplate } from '../policies/template';
import { environmentFile, resolveEnvironmentSettings, type EnvironmentSettings } from './environment';
import { validateExceptions } from './exceptions';
import { orgTemplateMode, planEnvironment, templateMode, type EnvironmentPlan } from './plan';
import { validateRollout, type Rollout } from './rollout';
import { checkProfileTemplates, expandBindings } from './tenancy';

/** Everything synth and the checks read: the data in environments/ and the template library. */
export interface ConfigSources {
  /** Environment configs, as loaded (validated here). */
  readonly environments: readonly unknown[];
  /** The file each environment came from, for messages. @default environments/<name>.ts */
  readonly environmentFiles?: readonly string[];
  /** ROLLOUT, as loaded. */
  readonly rollout: unknown;
  /** EXCEPTIONS, as loaded. */
  readonly exceptions: unknown;
  /** The template library. */
  readonly templates: readonly PolicyTemplate[];
}

/** An environment with every default applied and its plan: what constructs consume. */
export interface ResolvedEnvironment extends EnvironmentSettings {
  readonly plan: EnvironmentPlan;
}

export interface ResolvedConfig {
  readonly environments: readonly ResolvedEnvironment[];
  readonly rollout: Rollout;
  readonly exceptions: readonly ExceptionRequest[];
  readonly templates: readonly PolicyTemplate[];
}

/**
 * Validates every environment, the rollout and the exceptions, and applies defaults. Throws a
 * ConfigError listing every problem (path, value, fix) before anything is rendered or written.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const problems = new Problems();
  const templateNames = sources.templates.map((t) => t.name);
  const settings: EnvironmentSettings[] = [];
  const seen = new Set<string>();
  sources.environments.forEach((config, index) => {
    const file = sources.environmentFiles?.[index];
    const raw = config as { name?: unknown } | null | undefined;
    const name = typeof raw?.name === 'string' && raw.name !== '' ? raw.name : `[${index}]`;
    const path = `environments.${name}`;
    if (seen.has(name))
      problems.add(`${path}.name`, `'${name}' is defined twice; environment names must be unique (${file ?? environmentFile(name)})`);
    seen.add(name);
    const env = resolveEnvironmentSettings(config, path, problems, file);
    if (!env) return;
    for (const template of Object.keys(env.exclusions.templates)) {
      if (!templateNames.includes(template)) {
        problems.add(
          `${path}.exclusions.templates.${template}`,
          `unknown template '${template}'${didYouMean(template, templateNames)}; templates are the folders policies/<pack>/<template>/ (edit ${file ?? environmentFile(env.name)})`,
        );
      }
    }
    settings.push(env);
  });

  // The rollout and the exceptions are configuration too: nothing renders while they are invalid.
  const before = problems.count;
  validateRollout(sources.rollout, problems, { templates: sources.templates });
  const rolloutValid = problems.count === before;
  const rollout = (rolloutValid ? sources.rollout : {}) as Rollout;
  if (rolloutValid) checkEnforceNeedsKyverno(settings, rollout, templateNames, problems);
  // An exception's rules depend on the mode of its org's policies: plan each environment whose
  // bindings are valid. Another environment's problems must not make its exceptions look orphaned.
  const policyPlans = new Map<string, EnvironmentPlan['policies']>();
  settings.forEach((env, i) => {
    const path = `environments.${env.name}`;
    const add = (p: string, message: string): void =>
      problems.add(p, `${message} (edit ${sources.environmentFiles?.[i] ?? environmentFile(env.name)})`);
    const before = problems.count;
    checkProfileTemplates(env.profiles, sources.templates, path, add);
    // With the rollout invalid (reported) the ladder is unknown: check what does not depend on it.
    expandBindings(env, sources.templates, (t) => (rolloutValid ? templateMode(rollout, t, env.name) : 'Audit'), path, add);
    if (rolloutValid && problems.count === before) policyPlans.set(env.name, planEnvironment(env, rollout, sources.templates, []).policies);
  });
  const isPlatform = (env: string, org: string): boolean => settings.find((e) => e.name === env)?.org === org;
  validateExceptions(sources.exceptions, settings, problems, {
    templates: sources.templates,
    // Without a plan the platform org's policies still follow the ladder; another org's are unknown.
    policiesKnown: (env, org) => policyPlans.has(env) || (rolloutValid && isPlatform(env, org)),
    policyMode: (env, org, template) => {
      const plan = policyPlans.get(env);
      return plan ? orgTemplateMode(plan, org, template) : isPlatform(env, org) ? templateMode(rollout, template, env) : undefined;
    },
  });
  problems.throwIfAny();

  const exceptions = sources.exceptions as readonly ExceptionRequest[];
  return {
    environments: settings.map((env) => ({ ...env, plan: planEnvironment(env, rollout, sources.templates, exceptions) })),
    rollout,
    exceptions,
    templates: sources.templates,
  };
}

/**
 * An environment without Kyverno by configuration (disabled, or auto: see hasKyverno) gets no
 * policies app, so a template the ladder enforces there would silently not be enforced; with
 * requireForEnforceMode that is an error naming the environment, the template and the fix.
 */
function checkEnforceNeedsKyverno(
  envs: readonly EnvironmentSettings[],
  rollout: Rollout,
  templates: readonly string[],
  problems: Problems,
): void {
  for (const env of envs) {
    if (hasKyverno(env) || !env.kyverno.requireForEnforceMode) continue;
    for (const template of templates) {
      if (templateMode(rollout, template, env.name) !== 'Enforce') continue;
      problems.add(
        `environments.${env.name}.kyverno.mode`,
        `'${env.kyverno.mode}' renders no policies, but the ladder enforces ${template} in ${env.name} (environments/rollout.ts: ${rollout[template].stage}) and kyverno.requireForEnforceMode is true: nothing would enforce it (edit environments/${env.name}.ts: set kyverno.mode to managed or byo, or kyverno.requireForEnforceMode: false; or move ${template} below enforce:${env.name} in environments/rollout.ts)`,
      );
    }
  }
}
