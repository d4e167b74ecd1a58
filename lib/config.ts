import {
  KYVERNO_INSTALL_METHODS,
  KYVERNO_MODES,
  POLICY_PACK_MODES,
  POLICY_REPORTER_MODES,
  type EnvironmentConfig,
  type ResolvedEnvironment,
} from '../environments/types';
import { Problems, show } from './errors';
import { Check } from './validators';

const DEFAULT_SERVER = 'https://kubernetes.default.svc';
export const DEFAULT_KYVERNO_CHART_VERSION = '3.9.0';
export const DEFAULT_POLICY_REPORTER_CHART_VERSION = '3.9.0';

/**
 * Validates every environment and applies defaults. Throws a ConfigError listing every problem
 * (path, value, fix) before anything is rendered or written.
 */
export function resolveEnvironments(configs: readonly EnvironmentConfig[]): ResolvedEnvironment[] {
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
  problems.throwIfAny();
  return resolved;
}

function resolveEnvironment(config: EnvironmentConfig, path: string, check: Check): ResolvedEnvironment | undefined {
  const before = check.problems.count;
  if (!check.knownKeys(path, config, ['name', 'org', 'argocd', 'clusters', 'kyverno', 'krate', 'rbac'])) return undefined;
  check.dnsLabel(`${path}.name`, config.name);
  check.dnsLabel(`${path}.org`, config.org);

  const argocd = config.argocd ?? ({} as EnvironmentConfig['argocd']);
  if (check.knownKeys(`${path}.argocd`, argocd, ['repoURL', 'targetRevision', 'namespace', 'project'])) {
    check.url(`${path}.argocd.repoURL`, argocd.repoURL);
    if (argocd.targetRevision !== undefined) check.nonEmptyString(`${path}.argocd.targetRevision`, argocd.targetRevision);
    if (argocd.namespace !== undefined) check.dnsLabel(`${path}.argocd.namespace`, argocd.namespace);
    if (argocd.project !== undefined) check.dnsLabel(`${path}.argocd.project`, argocd.project);
  }

  if (!Array.isArray(config.clusters) || config.clusters.length === 0) {
    check.problems.add(`${path}.clusters`, `must list at least one cluster (edit environments/${config.name}.ts)`);
  } else {
    const names = new Set<string>();
    config.clusters.forEach((cluster, i) => {
      const cpath = `${path}.clusters[${i}]`;
      if (!check.knownKeys(cpath, cluster, ['name', 'server', 'labels'])) return;
      if (check.dnsLabel(`${cpath}.name`, cluster.name)) {
        if (names.has(cluster.name)) check.problems.add(`${cpath}.name`, `'${cluster.name}' is listed twice; cluster names must be unique`);
        names.add(cluster.name);
      }
      if (cluster.server !== undefined) check.url(`${cpath}.server`, cluster.server, ['https:']);
      if (cluster.labels !== undefined) check.labelMap(`${cpath}.labels`, cluster.labels);
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
      } else if (managed.values && 'createSelfSignedCert' in managed.values) {
        check.problems.add(`${path}.kyverno.managed.values.createSelfSignedCert`, `must not be set: it renders private keys into dist/ (${fix}: remove it; Kyverno issues its own certificates)`);
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

  if (check.problems.count > before) return undefined;
  const krateNamespace = krate.namespace ?? 'krate-system';
  return {
    name: config.name,
    org: config.org,
    argocd: {
      repoURL: argocd.repoURL,
      targetRevision: argocd.targetRevision ?? 'main',
      namespace: argocd.namespace ?? 'argocd',
      project: argocd.project ?? `krate-${config.name}`,
    },
    clusters: config.clusters.map((c) => ({ name: c.name, server: c.server ?? DEFAULT_SERVER, labels: { ...(c.labels ?? {}) } })),
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
