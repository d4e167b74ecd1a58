import {
  FLEET_CLUSTER_LABEL,
  FLEET_ENVIRONMENT_LABEL,
  KYVERNO_MODES,
  type EnvironmentConfig,
  type ResolvedEnvironment,
  type ResolvedSyncPolicy,
  type SyncPolicyConfig,
} from '../environments/types';
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
  const targetRevision = argocd.targetRevision ?? 'main';
  const syncPolicy = resolveSyncPolicy(argocd.syncPolicy ?? {});
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
      },
    },
    krate: { namespace: krateNamespace },
  };
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
