// One environment's settings: the spec in environments/types.ts checks fields, types and ranges
// and applies static defaults; the rules here are the ones that relate fields to each other.
import {
  ENVIRONMENT,
  FLEET_CLUSTER_LABEL,
  FLEET_ENVIRONMENT_LABEL,
  hasKyverno,
  KYVERNO_PRESENT_MODES,
  SYNC_POLICY,
} from '../environments/types';
import { Problems, show } from '../lib/errors';
import { LADDER_ENVIRONMENTS } from '../lib/ladder';
import { INVALID, type OutputOf } from '../lib/spec';
import { checkExclusions } from './exclusions';
import { resolveTenancy, type Profile, type ResolvedOrg } from './tenancy';

type Parsed = OutputOf<typeof ENVIRONMENT.fields>;
type ParsedSyncPolicy = OutputOf<typeof SYNC_POLICY.fields>;

/** A sync policy with every default applied (prune and selfHeal only ever true when automated). */
export type ResolvedSyncPolicy = ParsedSyncPolicy;

/** A cluster with its labels completed and its overrides applied over the environment's values. */
export interface ResolvedCluster {
  readonly name: string;
  readonly server: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Git revision this cluster tracks (the override, or the environment's). */
  readonly targetRevision: string;
  /** Sync policy for this cluster (the override, or the environment's). */
  readonly syncPolicy: ResolvedSyncPolicy;
}

/** An environment with every default applied: the settings constructs consume. */
export interface EnvironmentSettings extends Omit<Parsed, 'argocd' | 'clusters' | 'kyverno' | 'orgs' | 'profiles'> {
  readonly argocd: Omit<Parsed['argocd'], 'project'> & { readonly project: string };
  readonly clusters: readonly ResolvedCluster[];
  readonly kyverno: Omit<Parsed['kyverno'], 'policyNamespace'> & { readonly policyNamespace: string };
  /** The orgs served, the platform org among them (just it, when none are listed). */
  readonly orgs: readonly ResolvedOrg[];
  /** The profiles listed, plus the built-in krate-default when an org follows it without listing it. */
  readonly profiles: readonly Profile[];
}

/** The file an environment's messages point at. */
export function environmentFile(name: unknown): string {
  return `environments/${typeof name === 'string' && name !== '' ? name : '<file>'}.ts`;
}

/**
 * Validates one environment and applies defaults; every problem goes to `problems` with its path,
 * value and fix. Returns undefined when the environment has problems.
 */
export function resolveEnvironmentSettings(
  config: unknown,
  path: string,
  problems: Problems,
  file?: string,
): EnvironmentSettings | undefined {
  const name = (config as { name?: unknown } | null)?.name;
  const fix = `edit ${file ?? environmentFile(name)}`;
  const before = problems.count;
  const add = (p: string, message: string): void => problems.add(p, `${message} (${fix})`);
  const parsed = ENVIRONMENT.parse(config, path, { problems, fix });
  if (parsed === INVALID) return undefined;

  if (!(LADDER_ENVIRONMENTS as readonly string[]).includes(parsed.name)) {
    // The ladder names its rungs after environments: an environment's position is its name.
    problems.add(
      `${path}.name`,
      `'${parsed.name}' is not on the rollout ladder; an environment's ladder position is its name, one of ${LADDER_ENVIRONMENTS.join('|')} (rename ${file ?? environmentFile(parsed.name)})`,
    );
  }
  checkSyncPolicy(parsed.argocd.syncPolicy, `${path}.argocd.syncPolicy`, add);

  const names = new Map<string, number>();
  const servers = new Map<string, string>();
  parsed.clusters.forEach((cluster, i) => {
    const cpath = `${path}.clusters[${i}]`;
    if (names.has(cluster.name)) problems.add(`${cpath}.name`, `'${cluster.name}' is listed twice; cluster names must be unique`);
    names.set(cluster.name, i);
    if (servers.has(cluster.server))
      add(
        `${cpath}.server`,
        `'${cluster.server}' is already cluster '${servers.get(cluster.server)}'; each cluster needs its own API server URL`,
      );
    servers.set(cluster.server, cluster.name);
    // The fleet selector labels are derived; a different value would silently drop the cluster.
    const fixed: Record<string, string> = { [FLEET_ENVIRONMENT_LABEL]: parsed.name, [FLEET_CLUSTER_LABEL]: cluster.name };
    for (const [k, want] of Object.entries(fixed)) {
      const got = cluster.labels[k];
      if (got !== undefined && got !== want)
        problems.add(
          `${cpath}.labels.${k}`,
          `'${got}' must be '${want}' (it is derived; remove the label from ${file ?? environmentFile(parsed.name)})`,
        );
    }
    if (cluster.overrides.syncPolicy) checkSyncPolicy(cluster.overrides.syncPolicy, `${cpath}.overrides.syncPolicy`, add);
  });

  const kyverno = parsed.kyverno;
  if (kyverno.policyNamespace === undefined && kyverno.mode === 'byo') {
    // A Kyverno we do not install honours exceptions where its owners configured, not where we default.
    add(
      `${path}.kyverno.policyNamespace`,
      `must be set when kyverno.mode is 'byo': Kyverno honours PolicyExceptions only in its features.policyExceptions.namespace, which the existing Kyverno's owners choose, not this repository; a default could put every exception where Kyverno ignores it (set it to that Kyverno's features.policyExceptions.namespace)`,
    );
  }
  const values = kyverno.managed.values;
  const vpath = `${path}.kyverno.managed.values`;
  if ('createSelfSignedCert' in values)
    add(
      `${vpath}.createSelfSignedCert`,
      `must not be set: it renders private keys into dist/ (remove it; Kyverno issues its own certificates)`,
    );
  checkKrateOwnedKyvernoValues(values, vpath, add);
  if (parsed.monitoring.prometheusOperator && !hasKyverno(parsed)) {
    // The alerts watch Kyverno: without it by configuration the monitoring app is not rendered.
    add(
      `${path}.monitoring.prometheusOperator`,
      `is true but kyverno.mode '${kyverno.mode}' renders no Kyverno objects, so no alerts or dashboard would be rendered; set kyverno.mode to ${KYVERNO_PRESENT_MODES.join(' or ')}, or monitoring.prometheusOperator: false`,
    );
  }

  const graduation = parsed.promotion.evidence;
  if (graduation.minSnapshots > graduation.windowDays + 1) {
    // At most one snapshot a day (evidence add replaces a date): more could never be recorded.
    add(
      `${path}.promotion.evidence.minSnapshots`,
      `${graduation.minSnapshots} snapshots cannot fit a ${graduation.windowDays}-day window (one per day, at most ${graduation.windowDays + 1}); lower minSnapshots or widen windowDays`,
    );
  }

  const builtIn = [parsed.argocd.namespace, kyverno.namespace, parsed.krate.namespace];
  checkExclusions(parsed.exclusions, `${path}.exclusions`, parsed.name, builtIn, add);
  const tenancy = resolveTenancy(parsed, path, add);

  if (problems.count > before) return undefined;
  const project = parsed.argocd.project ?? `krate-${parsed.name}`;
  const argocd = { ...parsed.argocd, project, syncPolicy: normaliseSyncPolicy(parsed.argocd.syncPolicy) };
  return {
    ...parsed,
    argocd,
    clusters: parsed.clusters.map((c) => ({
      name: c.name,
      server: c.server,
      labels: { ...c.labels, [FLEET_ENVIRONMENT_LABEL]: parsed.name, [FLEET_CLUSTER_LABEL]: c.name },
      targetRevision: c.overrides.targetRevision ?? argocd.targetRevision,
      syncPolicy: c.overrides.syncPolicy ? normaliseSyncPolicy(c.overrides.syncPolicy) : argocd.syncPolicy,
    })),
    kyverno: { ...kyverno, policyNamespace: kyverno.policyNamespace ?? parsed.krate.namespace },
    orgs: tenancy.orgs,
    profiles: tenancy.profiles,
  };
}

/** prune and selfHeal only apply to automated sync. */
function normaliseSyncPolicy(p: ParsedSyncPolicy): ResolvedSyncPolicy {
  return { ...p, prune: p.automated && p.prune, selfHeal: p.automated && p.selfHeal };
}

function checkSyncPolicy(policy: ParsedSyncPolicy, path: string, add: (p: string, m: string) => void): void {
  if (policy.automated) return;
  for (const key of ['prune', 'selfHeal'] as const) {
    if (policy[key]) add(`${path}.${key}`, `only applies to automated sync; set automated: true or remove ${key}`);
  }
}

/**
 * Upstream Kyverno values Krate computes (charts/krate-kyverno's upstreamValues): managed.values is
 * merged over them, so setting one could drop a protected namespace from the webhooks or move the
 * exception namespace. The chart refuses the same keys (templates/validate.yaml).
 */
export const KRATE_OWNED_KYVERNO_VALUES: readonly {
  readonly section: 'config' | 'features';
  readonly key: string;
  readonly instead: string;
}[] = [
  { section: 'config', key: 'webhooks', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'resourceFilters', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'resourceFiltersExclude', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'resourceFiltersExcludeNamespaces', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'resourceFiltersIncludeNamespaces', instead: 'exclusions.platformNamespaces' },
  { section: 'config', key: 'excludeKyvernoNamespace', instead: 'exclusions.platformNamespaces' },
  { section: 'features', key: 'policyExceptions', instead: 'kyverno.policyNamespace' },
];

function checkKrateOwnedKyvernoValues(values: Readonly<Record<string, unknown>>, path: string, add: (p: string, m: string) => void): void {
  for (const section of ['config', 'features'] as const) {
    if (!(section in values)) continue;
    const block = values[section];
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      add(`${path}.${section}`, `${show(block)} must be an object (it would replace Krate's webhook exclusions and exception settings)`);
      continue;
    }
    for (const owned of KRATE_OWNED_KYVERNO_VALUES.filter((o) => o.section === section && o.key in block)) {
      add(
        `${path}.${section}.${owned.key}`,
        `must not be set: Krate computes it from the namespace exclusions and the exception namespace, and a value here would win over them (a protected namespace could be dropped) (remove it; use ${owned.instead} instead)`,
      );
    }
  }
}
