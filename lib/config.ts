import { KYVERNO_MODES, type EnvironmentConfig, type ResolvedEnvironment } from '../environments/types';
import { Problems } from './errors';
import { Check } from './validators';

const DEFAULT_SERVER = 'https://kubernetes.default.svc';
export const DEFAULT_KYVERNO_CHART_VERSION = '3.9.0';

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
  if (!check.knownKeys(path, config, ['name', 'org', 'argocd', 'clusters', 'kyverno', 'krate'])) return undefined;
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
  if (check.knownKeys(`${path}.kyverno`, kyverno, ['mode', 'namespace', 'policyNamespace', 'managed'])) {
    check.oneOf(`${path}.kyverno.mode`, kyverno.mode, KYVERNO_MODES);
    if (kyverno.namespace !== undefined) check.dnsLabel(`${path}.kyverno.namespace`, kyverno.namespace);
    if (kyverno.policyNamespace !== undefined) check.dnsLabel(`${path}.kyverno.policyNamespace`, kyverno.policyNamespace);
    const managed = kyverno.managed ?? {};
    if (check.knownKeys(`${path}.kyverno.managed`, managed, ['chartVersion', 'admissionReplicas', 'controllerReplicas'])) {
      if (managed.chartVersion !== undefined) check.semver(`${path}.kyverno.managed.chartVersion`, managed.chartVersion);
      if (managed.admissionReplicas !== undefined) check.integer(`${path}.kyverno.managed.admissionReplicas`, managed.admissionReplicas, 1, 15);
      if (managed.controllerReplicas !== undefined) check.integer(`${path}.kyverno.managed.controllerReplicas`, managed.controllerReplicas, 1, 15);
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
      },
    },
    krate: { namespace: krateNamespace },
  };
}
