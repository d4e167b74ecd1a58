import { TEMPLATES } from '../policies';
import { EXCEPTIONS } from '../environments/exceptions';
import { ROLLOUT } from '../environments/rollout';
import {
  FLEET_CLUSTER_LABEL,
  FLEET_ENVIRONMENT_LABEL,
  KYVERNO_INSTALL_METHODS,
  KYVERNO_MODES,
  hasKyverno,
  POLICY_PACK_MODES,
  POLICY_REPORTER_MODES,
  type EnvironmentConfig,
  type ExclusionsConfig,
  type ResolvedEnvironment,
  type ResolvedSyncPolicy,
  type SyncPolicyConfig,
} from '../environments/types';
import { Problems, show } from '../lib/errors';
import { DEFAULT_EXCEPTION_MAX_DAYS, validateExceptions } from './exceptions';
import { PROTECTED_NAMESPACES } from './exclusions';
import { LADDER_ENVIRONMENTS, modeAt, type LadderEnvironment } from '../lib/ladder';
import { stageOf, validateRollout, type Rollout } from './rollout';
import { Check } from '../lib/validators';

const DEFAULT_SERVER = 'https://kubernetes.default.svc';
export const DEFAULT_KYVERNO_CHART_VERSION = '3.9.0';
export const DEFAULT_POLICY_REPORTER_CHART_VERSION = '3.9.0';

/** The repository-wide configuration validated with the environments (tests pass their own). */
export interface ConfigSources {
  /** @default ROLLOUT from environments/rollout.ts */
  readonly rollout?: unknown;
  /** @default EXCEPTIONS from environments/exceptions.ts */
  readonly exceptions?: unknown;
}

/**
 * Validates every environment and applies defaults. Throws a ConfigError listing every problem
 * (path, value, fix) before anything is rendered or written.
 */
export function resolveEnvironments(configs: readonly EnvironmentConfig[], sources: ConfigSources = {}): ResolvedEnvironment[] {
  const problems = new Problems();
  const seen = new Set<string>();
  const resolved: ResolvedEnvironment[] = [];
  configs.forEach((config, index) => {
    const name = typeof config?.name === 'string' && config.name !== '' ? config.name : `[${index}]`;
    const path = `environments.${name}`;
    const check = new Check(problems, `edit environments/${typeof config?.name === 'string' ? config.name : '<file>'}.ts`);
    if (seen.has(name)) problems.add(`${path}.name`, `'${name}' is defined twice; environment names must be unique`);
    seen.add(name);
    const env = resolveEnvironment(config, path, check);
    if (env) resolved.push(env);
  });
  // The rollout and the exceptions are configuration too: nothing renders while they are invalid.
  const rollout = sources.rollout ?? ROLLOUT;
  const rolloutProblems = problems.count;
  validateRollout(rollout, problems);
  if (problems.count === rolloutProblems) checkEnforceNeedsKyverno(resolved, rollout as Rollout, problems);
  validateExceptions(sources.exceptions ?? EXCEPTIONS, resolved, problems, { stageOf: (t) => (rollout !== null && typeof rollout === 'object' ? stageOf(rollout as Rollout, t) : 'draft') });
  problems.throwIfAny();
  return resolved;
}

/**
 * An environment without Kyverno by configuration (disabled, or auto: see hasKyverno) gets no
 * policies app, so a template the ladder enforces there would silently not be enforced; with
 * requireForEnforceMode that is an error naming the environment, the template and the fix.
 */
function checkEnforceNeedsKyverno(envs: readonly ResolvedEnvironment[], rollout: Rollout, problems: Problems): void {
  for (const env of envs) {
    if (hasKyverno(env) || !env.kyverno.requireForEnforceMode) continue;
    for (const template of TEMPLATES.map((t) => t.name)) {
      const stage = stageOf(rollout, template);
      if (modeAt(stage, env.name as LadderEnvironment) !== 'Enforce') continue;
      problems.add(
        `environments.${env.name}.kyverno.mode`,
        `'${env.kyverno.mode}' renders no policies, but the ladder enforces ${template} in ${env.name} (environments/rollout.ts: ${stage}) and kyverno.requireForEnforceMode is true: nothing would enforce it (edit environments/${env.name}.ts: set kyverno.mode to managed or byo, or kyverno.requireForEnforceMode: false; or move ${template} below enforce:${env.name} in environments/rollout.ts)`,
      );
    }
  }
}

function resolveEnvironment(config: EnvironmentConfig, path: string, check: Check): ResolvedEnvironment | undefined {
  const before = check.problems.count;
  if (!check.knownKeys(path, config, ['name', 'org', 'argocd', 'clusters', 'kyverno', 'krate', 'exclusions', 'exceptions', 'promotion', 'rbac'])) return undefined;
  if (check.dnsLabel(`${path}.name`, config.name) && !(LADDER_ENVIRONMENTS as readonly string[]).includes(config.name)) {
    // The ladder names its rungs after environments: an environment's position is its name.
    check.problems.add(`${path}.name`, `'${config.name}' is not on the rollout ladder; an environment's ladder position is its name, one of ${LADDER_ENVIRONMENTS.join('|')} (rename environments/${config.name}.ts)`);
  }
  check.dnsLabel(`${path}.org`, config.org);

  const argocd = config.argocd ?? ({} as EnvironmentConfig['argocd']);
  if (check.knownKeys(`${path}.argocd`, argocd, ['repoURL', 'targetRevision', 'namespace', 'project', 'syncPolicy'])) {
    check.url(`${path}.argocd.repoURL`, argocd.repoURL);
    if (argocd.targetRevision !== undefined) check.nonEmptyString(`${path}.argocd.targetRevision`, argocd.targetRevision);
    if (argocd.namespace !== undefined) check.dnsLabel(`${path}.argocd.namespace`, argocd.namespace);
    if (argocd.project !== undefined) check.dnsLabel(`${path}.argocd.project`, argocd.project);
    if (argocd.syncPolicy !== undefined) checkSyncPolicy(check, `${path}.argocd.syncPolicy`, argocd.syncPolicy, config.name);
  }

  if (!Array.isArray(config.clusters) || config.clusters.length === 0) {
    check.problems.add(`${path}.clusters`, `must list at least one cluster (edit environments/${config.name}.ts)`);
  } else {
    const names = new Set<string>();
    const servers = new Map<string, string>();
    config.clusters.forEach((cluster, i) => {
      const cpath = `${path}.clusters[${i}]`;
      if (!check.knownKeys(cpath, cluster, ['name', 'server', 'labels', 'overrides'])) return;
      if (check.dnsLabel(`${cpath}.name`, cluster.name)) {
        if (names.has(cluster.name)) check.problems.add(`${cpath}.name`, `'${cluster.name}' is listed twice; cluster names must be unique`);
        names.add(cluster.name);
      }
      if (cluster.server !== undefined) check.url(`${cpath}.server`, cluster.server, ['https:']);
      const server = cluster.server ?? DEFAULT_SERVER;
      if (servers.has(server)) check.problems.add(`${cpath}.server`, `'${server}' is already cluster '${servers.get(server)}'; each cluster needs its own API server URL (edit environments/${config.name}.ts)`);
      servers.set(server, cluster.name);
      if (cluster.labels !== undefined && check.labelMap(`${cpath}.labels`, cluster.labels)) {
        // The fleet selector labels are derived; a different value would silently drop the cluster.
        const fixed: Record<string, string> = { [FLEET_ENVIRONMENT_LABEL]: config.name, [FLEET_CLUSTER_LABEL]: cluster.name };
        for (const [k, want] of Object.entries(fixed)) {
          const got = cluster.labels[k];
          if (got !== undefined && got !== want) {
            check.problems.add(`${cpath}.labels.${k}`, `'${got}' must be '${want}' (it is derived; remove the label from environments/${config.name}.ts)`);
          }
        }
      }
      const overrides = cluster.overrides ?? {};
      if (check.knownKeys(`${cpath}.overrides`, overrides, ['targetRevision', 'syncPolicy'])) {
        if (overrides.targetRevision !== undefined) check.nonEmptyString(`${cpath}.overrides.targetRevision`, overrides.targetRevision);
        if (overrides.syncPolicy !== undefined) checkSyncPolicy(check, `${cpath}.overrides.syncPolicy`, overrides.syncPolicy, config.name);
      }
    });
  }

  const kyverno = config.kyverno ?? ({} as EnvironmentConfig['kyverno']);
  const fix = `edit environments/${config.name}.ts`;
  const boolean = (p: string, v: unknown): void => {
    if (v !== undefined && typeof v !== 'boolean') check.problems.add(p, `${show(v)} must be true or false (${fix})`);
  };
  if (check.knownKeys(`${path}.kyverno`, kyverno, ['mode', 'namespace', 'policyNamespace', 'managed', 'requireForEnforceMode', 'discoverExisting', 'policyReporter', 'defaultPolicyPack'])) {
    check.oneOf(`${path}.kyverno.mode`, kyverno.mode, KYVERNO_MODES);
    if (kyverno.namespace !== undefined) check.dnsLabel(`${path}.kyverno.namespace`, kyverno.namespace);
    if (kyverno.policyNamespace !== undefined) check.dnsLabel(`${path}.kyverno.policyNamespace`, kyverno.policyNamespace);
    else if (kyverno.mode === 'byo') {
      // A Kyverno we do not install honours exceptions where its owners configured, not where we default.
      check.problems.add(
        `${path}.kyverno.policyNamespace`,
        `must be set when kyverno.mode is 'byo': Kyverno honours PolicyExceptions only in its features.policyExceptions.namespace, which the existing Kyverno's owners choose, not this repository; a default could put every exception where Kyverno ignores it (${fix}: set it to that Kyverno's features.policyExceptions.namespace)`,
      );
    }
    boolean(`${path}.kyverno.requireForEnforceMode`, kyverno.requireForEnforceMode);
    boolean(`${path}.kyverno.discoverExisting`, kyverno.discoverExisting);
    const managed = kyverno.managed ?? {};
    if (check.knownKeys(`${path}.kyverno.managed`, managed, ['chartVersion', 'admissionReplicas', 'controllerReplicas', 'installMethod', 'values'])) {
      if (managed.chartVersion !== undefined) check.semver(`${path}.kyverno.managed.chartVersion`, managed.chartVersion);
      if (managed.admissionReplicas !== undefined) check.integer(`${path}.kyverno.managed.admissionReplicas`, managed.admissionReplicas, 1, 15);
      if (managed.controllerReplicas !== undefined) check.integer(`${path}.kyverno.managed.controllerReplicas`, managed.controllerReplicas, 1, 15);
      if (managed.installMethod !== undefined) check.oneOf(`${path}.kyverno.managed.installMethod`, managed.installMethod, KYVERNO_INSTALL_METHODS);
      if (managed.values !== undefined && (managed.values === null || typeof managed.values !== 'object' || Array.isArray(managed.values))) {
        check.problems.add(`${path}.kyverno.managed.values`, `${show(managed.values)} must be an object of upstream Kyverno chart values (${fix})`);
      } else if (managed.values) {
        const vpath = `${path}.kyverno.managed.values`;
        if ('createSelfSignedCert' in managed.values) {
          check.problems.add(`${vpath}.createSelfSignedCert`, `must not be set: it renders private keys into dist/ (${fix}: remove it; Kyverno issues its own certificates)`);
        }
        checkKrateOwnedKyvernoValues(check, vpath, managed.values, fix);
      }
    }
    const reporter = kyverno.policyReporter ?? {};
    if (check.knownKeys(`${path}.kyverno.policyReporter`, reporter, ['enabled', 'mode', 'namespace', 'chartVersion'])) {
      boolean(`${path}.kyverno.policyReporter.enabled`, reporter.enabled);
      if (reporter.mode !== undefined) check.oneOf(`${path}.kyverno.policyReporter.mode`, reporter.mode, POLICY_REPORTER_MODES);
      if (reporter.namespace !== undefined) check.dnsLabel(`${path}.kyverno.policyReporter.namespace`, reporter.namespace);
      if (reporter.chartVersion !== undefined) check.semver(`${path}.kyverno.policyReporter.chartVersion`, reporter.chartVersion);
    }
    const pack = kyverno.defaultPolicyPack ?? {};
    if (check.knownKeys(`${path}.kyverno.defaultPolicyPack`, pack, ['enabled', 'mode', 'installExamples'])) {
      boolean(`${path}.kyverno.defaultPolicyPack.enabled`, pack.enabled);
      if (pack.mode !== undefined) check.oneOf(`${path}.kyverno.defaultPolicyPack.mode`, pack.mode, POLICY_PACK_MODES);
      boolean(`${path}.kyverno.defaultPolicyPack.installExamples`, pack.installExamples);
    }
  }

  const rbac = config.rbac ?? {};
  const personaKeys = ['viewer', 'exceptionRequester', 'repoAdmin', 'platformAdmin'] as const;
  if (check.knownKeys(`${path}.rbac`, rbac, ['managedPolicyBindings', 'personas'])) {
    boolean(`${path}.rbac.managedPolicyBindings`, rbac.managedPolicyBindings);
    const personas = rbac.personas ?? {};
    if (check.knownKeys(`${path}.rbac.personas`, personas, personaKeys)) {
      for (const key of personaKeys) {
        const groups = personas[key];
        if (groups === undefined) continue;
        if (!Array.isArray(groups)) check.problems.add(`${path}.rbac.personas.${key}`, `${show(groups)} must be a list of group names (${fix})`);
        else groups.forEach((g, i) => check.nonEmptyString(`${path}.rbac.personas.${key}[${i}]`, g));
      }
    }
  }

  const krate = config.krate ?? {};
  if (check.knownKeys(`${path}.krate`, krate, ['namespace']) && krate.namespace !== undefined) {
    check.dnsLabel(`${path}.krate.namespace`, krate.namespace);
  }

  const krateNamespace = krate.namespace ?? 'krate-system';
  const targetRevision = argocd.targetRevision ?? 'main';
  const syncPolicy = resolveSyncPolicy(argocd.syncPolicy ?? {});
  const builtInPlatform = [argocd.namespace ?? 'argocd', kyverno.namespace ?? 'kyverno', krateNamespace];
  const exclusions = resolveExclusions(config.exclusions ?? {}, `${path}.exclusions`, config.name, builtInPlatform, check);

  const exceptions = config.exceptions ?? {};
  if (check.knownKeys(`${path}.exceptions`, exceptions, ['maxDays']) && exceptions.maxDays !== undefined) {
    check.integer(`${path}.exceptions.maxDays`, exceptions.maxDays, 1, 365);
  }
  const promotion = config.promotion ?? {};
  if (check.knownKeys(`${path}.promotion`, promotion, ['maxFailingResults']) && promotion.maxFailingResults !== undefined) {
    check.integer(`${path}.promotion.maxFailingResults`, promotion.maxFailingResults, 0, 1_000_000);
  }

  if (check.problems.count > before) return undefined;
  return {
    name: config.name,
    org: config.org,
    argocd: {
      repoURL: argocd.repoURL,
      targetRevision,
      namespace: argocd.namespace ?? 'argocd',
      project: argocd.project ?? `krate-${config.name}`,
      syncPolicy,
    },
    clusters: config.clusters.map((c) => ({
      name: c.name,
      server: c.server ?? DEFAULT_SERVER,
      labels: { ...(c.labels ?? {}), [FLEET_ENVIRONMENT_LABEL]: config.name, [FLEET_CLUSTER_LABEL]: c.name },
      targetRevision: c.overrides?.targetRevision ?? targetRevision,
      syncPolicy: c.overrides?.syncPolicy ? resolveSyncPolicy(c.overrides.syncPolicy) : syncPolicy,
    })),
    kyverno: {
      mode: kyverno.mode,
      namespace: kyverno.namespace ?? 'kyverno',
      policyNamespace: kyverno.policyNamespace ?? krateNamespace,
      managed: {
        chartVersion: kyverno.managed?.chartVersion ?? DEFAULT_KYVERNO_CHART_VERSION,
        admissionReplicas: kyverno.managed?.admissionReplicas ?? 3,
        controllerReplicas: kyverno.managed?.controllerReplicas ?? 2,
        installMethod: kyverno.managed?.installMethod ?? 'argocd',
        values: kyverno.managed?.values ?? {},
      },
      requireForEnforceMode: kyverno.requireForEnforceMode ?? true,
      discoverExisting: kyverno.discoverExisting ?? true,
      policyReporter: {
        enabled: kyverno.policyReporter?.enabled ?? false,
        mode: kyverno.policyReporter?.mode ?? 'external',
        namespace: kyverno.policyReporter?.namespace ?? 'policy-reporter',
        chartVersion: kyverno.policyReporter?.chartVersion ?? DEFAULT_POLICY_REPORTER_CHART_VERSION,
      },
      defaultPolicyPack: {
        enabled: kyverno.defaultPolicyPack?.enabled ?? true,
        mode: kyverno.defaultPolicyPack?.mode ?? 'audit',
        installExamples: kyverno.defaultPolicyPack?.installExamples ?? true,
      },
    },
    krate: { namespace: krateNamespace },
    exclusions,
    exceptions: { maxDays: exceptions.maxDays ?? DEFAULT_EXCEPTION_MAX_DAYS },
    promotion: { maxFailingResults: promotion.maxFailingResults ?? 0 },
    rbac: {
      managedPolicyBindings: rbac.managedPolicyBindings ?? false,
      personas: {
        viewer: [...(rbac.personas?.viewer ?? [])],
        exceptionRequester: [...(rbac.personas?.exceptionRequester ?? [])],
        repoAdmin: [...(rbac.personas?.repoAdmin ?? [])],
        platformAdmin: [...(rbac.personas?.platformAdmin ?? [])],
      },
    },
  };
}

/**
 * Upstream Kyverno values Krate computes (charts/krate-kyverno's upstreamValues): managed.values is
 * merged over them, so setting one could drop a protected namespace from the webhooks or move the
 * exception namespace. The chart refuses the same keys (templates/validate.yaml).
 */
export const KRATE_OWNED_KYVERNO_VALUES: readonly { readonly section: 'config' | 'features'; readonly key: string; readonly instead: string }[] = [
  { section: 'config', key: 'webhooks', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'resourceFilters', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'excludeKyvernoNamespace', instead: 'exclusions.platformNamespaces' },
  { section: 'features', key: 'policyExceptions', instead: 'kyverno.policyNamespace' },
];

function checkKrateOwnedKyvernoValues(check: Check, path: string, values: Readonly<Record<string, unknown>>, fix: string): void {
  for (const section of ['config', 'features'] as const) {
    if (!(section in values)) continue;
    const block = values[section];
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      check.problems.add(`${path}.${section}`, `${show(block)} must be an object (it would replace Krate's webhook exclusions and exception settings) (${fix})`);
      continue;
    }
    for (const owned of KRATE_OWNED_KYVERNO_VALUES.filter((o) => o.section === section && o.key in block)) {
      check.problems.add(
        `${path}.${section}.${owned.key}`,
        `must not be set: Krate computes it from the namespace exclusions and the exception namespace, and a value here would win over them (a protected namespace could be dropped) (${fix}: remove it; use ${owned.instead} instead)`,
      );
    }
  }
}

const DURATION = /^\d+(s|m|h)$/;

function checkSyncPolicy(check: Check, path: string, policy: SyncPolicyConfig, envName: string): void {
  const fix = `(edit environments/${envName}.ts)`;
  if (!check.knownKeys(path, policy, ['automated', 'prune', 'selfHeal', 'retry'])) return;
  for (const key of ['automated', 'prune', 'selfHeal'] as const) {
    const v = policy[key];
    if (v !== undefined && typeof v !== 'boolean') check.problems.add(`${path}.${key}`, `${JSON.stringify(v)} must be true or false ${fix}`);
  }
  if (policy.automated === false) {
    for (const key of ['prune', 'selfHeal'] as const) {
      if (policy[key]) check.problems.add(`${path}.${key}`, `only applies to automated sync; set automated: true or remove ${key} ${fix}`);
    }
  }
  const retry = policy.retry ?? {};
  if (check.knownKeys(`${path}.retry`, retry, ['limit', 'duration', 'factor', 'maxDuration'])) {
    if (retry.limit !== undefined) check.integer(`${path}.retry.limit`, retry.limit, 0, 100);
    if (retry.factor !== undefined) check.integer(`${path}.retry.factor`, retry.factor, 1, 10);
    for (const key of ['duration', 'maxDuration'] as const) {
      const v = retry[key];
      if (v !== undefined && (typeof v !== 'string' || !DURATION.test(v))) {
        check.problems.add(`${path}.retry.${key}`, `${JSON.stringify(v)} is not a duration like '10s', '5m' or '1h' ${fix}`);
      }
    }
  }
}

function resolveSyncPolicy(policy: SyncPolicyConfig): ResolvedSyncPolicy {
  const automated = policy.automated ?? true;
  return {
    automated,
    prune: automated && (policy.prune ?? false),
    selfHeal: automated && (policy.selfHeal ?? false),
    retry: {
      limit: policy.retry?.limit ?? 5,
      duration: policy.retry?.duration ?? '10s',
      factor: policy.retry?.factor ?? 2,
      maxDuration: policy.retry?.maxDuration ?? '5m',
    },
  };
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Validates the exclusion layers. Protected namespaces can never be removed; a platform namespace
 * only with a justified override; every message names the environment and the namespace.
 */
function resolveExclusions(x: ExclusionsConfig, path: string, envName: string, builtIn: readonly string[], check: Check): Required<ExclusionsConfig> {
  const resolved = { platformNamespaces: [] as string[], removePlatformExclusions: [] as { namespace: string; justification: string }[], templates: {} as Record<string, string[]>, namespaceLabels: [] as { key: string; values?: string[] }[] };
  if (!check.knownKeys(path, x, ['platformNamespaces', 'removePlatformExclusions', 'templates', 'namespaceLabels'])) return resolved;
  const hint = `edit environments/${envName}.ts`;
  const isProtected = (ns: string): boolean => (PROTECTED_NAMESPACES as readonly string[]).includes(ns);
  const namespaceList = (lpath: string, value: unknown): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      check.problems.add(lpath, `${show(value)} must be a list of namespace names (${hint})`);
      return [];
    }
    const seen = new Set<string>();
    return value.filter((ns: unknown, i: number): ns is string => {
      if (!check.dnsLabel(`${lpath}[${i}]`, ns)) return false;
      if (seen.has(ns)) check.problems.add(`${lpath}[${i}]`, `'${ns}' is listed twice (${hint})`);
      seen.add(ns);
      return true;
    });
  };

  resolved.platformNamespaces = namespaceList(`${path}.platformNamespaces`, x.platformNamespaces);
  resolved.platformNamespaces.forEach((ns, i) => {
    if (isProtected(ns) || builtIn.includes(ns)) {
      check.problems.add(`${path}.platformNamespaces[${i}]`, `'${ns}' is always excluded in environment ${envName} (${isProtected(ns) ? 'protected' : 'built-in platform'} namespace); remove it from the list (${hint})`);
    }
  });
  const platform = new Set([...builtIn, ...resolved.platformNamespaces]);

  if (x.removePlatformExclusions !== undefined && !Array.isArray(x.removePlatformExclusions)) {
    check.problems.add(`${path}.removePlatformExclusions`, `${show(x.removePlatformExclusions)} must be a list of { namespace, justification } (${hint})`);
  } else {
    (x.removePlatformExclusions ?? []).forEach((r, i) => {
      const rpath = `${path}.removePlatformExclusions[${i}]`;
      if (!check.knownKeys(rpath, r, ['namespace', 'justification'])) return;
      if (!check.dnsLabel(`${rpath}.namespace`, r.namespace)) return;
      if (isProtected(r.namespace)) {
        check.problems.add(`${rpath}.namespace`, `'${r.namespace}' is a protected namespace in environment ${envName}: it can never be removed from exclusions (policy there can lock out the cluster); delete this override (${hint})`);
        return;
      }
      if (!platform.has(r.namespace)) {
        check.problems.add(`${rpath}.namespace`, `'${r.namespace}' is not a platform namespace of environment ${envName} (${[...platform].sort().join(', ')}); it is not excluded, so there is nothing to remove (${hint})`);
        return;
      }
      if (typeof r.justification !== 'string' || r.justification.trim().length < 20) {
        check.problems.add(`${rpath}.justification`, `dropping platform namespace '${r.namespace}' in environment ${envName} needs a justification of at least 20 characters, got ${show(r.justification)} (${hint})`);
        return;
      }
      resolved.removePlatformExclusions.push({ namespace: r.namespace, justification: r.justification });
    });
  }

  const templates = x.templates ?? {};
  if (templates === null || typeof templates !== 'object' || Array.isArray(templates)) {
    check.problems.add(`${path}.templates`, `${show(templates)} must map template names to namespace lists (${hint})`);
  } else {
    const known = TEMPLATES.map((t) => t.name);
    for (const [template, list] of Object.entries(templates)) {
      if (!known.includes(template)) {
        check.problems.add(`${path}.templates.${template}`, `unknown template '${template}'; templates are listed in policies/index.ts (${hint})`);
        continue;
      }
      resolved.templates[template] = namespaceList(`${path}.templates.${template}`, list);
    }
  }

  if (x.namespaceLabels !== undefined && !Array.isArray(x.namespaceLabels)) {
    check.problems.add(`${path}.namespaceLabels`, `${show(x.namespaceLabels)} must be a list of { key, values? } (${hint})`);
  } else {
    (x.namespaceLabels ?? []).forEach((l, i) => {
      const lpath = `${path}.namespaceLabels[${i}]`;
      if (!check.knownKeys(lpath, l, ['key', 'values'])) return;
      if (typeof l.key !== 'string' || l.key.length > 316 || !LABEL_KEY.test(l.key)) {
        check.problems.add(`${lpath}.key`, `${show(l.key)} is not a valid label key (${hint})`);
        return;
      }
      if (l.values === undefined) return void resolved.namespaceLabels.push({ key: l.key });
      if (!Array.isArray(l.values) || l.values.length === 0) {
        check.problems.add(`${lpath}.values`, `${show(l.values)} must be a non-empty list of label values, or omitted to require only the key (${hint})`);
        return;
      }
      const bad = (l.values as unknown[]).find((v) => typeof v !== 'string' || v === '' || v.length > 63 || !LABEL_VALUE.test(v));
      if (bad !== undefined) {
        check.problems.add(`${lpath}.values`, `${show(bad)} is not a valid label value (${hint})`);
        return;
      }
      resolved.namespaceLabels.push({ key: l.key, values: [...l.values] });
    });
  }
  return resolved;
}
