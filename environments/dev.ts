import { PEOPLE, PERSONA_GROUPS } from './people';
import { BINDINGS, ORGS, PROFILES } from './tenants';
import type { EnvironmentConfig } from './types';

/** Labels kube-prometheus-stack's Prometheus selects rules and ServiceMonitors by (its release name). */
const PROMETHEUS_SELECTOR = { release: 'kube-prometheus-stack' };
/** The upstream Kyverno chart's ServiceMonitors, one per controller, so KyvernoControllerDown and the admission alerts see metrics. */
const serviceMonitor = { enabled: true, additionalLabels: PROMETHEUS_SELECTOR };
const KYVERNO_SERVICE_MONITORS = {
  admissionController: { serviceMonitor },
  backgroundController: { serviceMonitor },
  cleanupController: { serviceMonitor },
  reportsController: { serviceMonitor },
};

const dev: EnvironmentConfig = {
  name: 'dev',
  org: 'a5c',
  argocd: {
    repoURL: 'https://github.com/a5c-ai/krate-policy-gitops.git',
    // dev follows git exactly: removed objects are pruned, hand edits reverted.
    syncPolicy: { automated: true, prune: true, selfHeal: true },
  },
  clusters: [{ name: 'dev', labels: { 'krate.a5c.ai/environment': 'development' } }],
  // dev installs and owns its Kyverno: it is where new chart versions are tried first. One replica
  // each is enough there; Policy Reporter's UI helps people read audit results while templates soak.
  kyverno: {
    mode: 'managed',
    managed: { admissionReplicas: 1, controllerReplicas: 1, values: KYVERNO_SERVICE_MONITORS },
    policyReporter: { enabled: true, mode: 'managed' },
  },
  // dev runs kube-prometheus-stack (release kube-prometheus-stack) beside Argo CD: Krate's alerts and
  // dashboard go there; Kyverno's controllers are scraped through the chart's ServiceMonitors, and
  // the managed Policy Reporter gets one too.
  monitoring: { prometheusOperator: true, selectorLabels: PROMETHEUS_SELECTOR },
  // People: groups from the cluster's identity provider; viewers and platform admins are bound cluster-wide.
  rbac: {
    managedPolicyBindings: true,
    personas: PERSONA_GROUPS,
  },
  // Sandbox experiments may need a bypass for a release cycle: dev's platform profile allows 60 days
  // (staging and prod keep the 30-day default).
  profiles: PROFILES.map((p) => (p.name === 'platform' ? { ...p, exceptions: { ...p.exceptions, maxDays: 60 } } : p)),
  orgs: ORGS,
  bindings: BINDINGS,
  people: PEOPLE,
  exclusions: { platformNamespaces: ['cert-manager'] },
};

export default dev;
