import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../config/resolve';
import { AppChart } from './app-chart';
import { childApplicationNames } from './argo-application';

// ---------------------------------------------------------------------------------------------
// Alerts and a dashboard for an environment where Prometheus Operator runs. The metric names are
// the ones Kyverno v1.19 exports (OpenTelemetry counters get Prometheus' `_total`): CEL policies
// report through kyverno_validating_policy_results_total, not the legacy kyverno_policy_results_total,
// and kyverno_policy_rule_info_total (with status_ready) covers only kyverno.io ClusterPolicies and
// Policies. Failing results come from Policy Reporter's policy_report_result and
// cluster_policy_report_result gauges (one series per result, value 1, with policy and status).
// ---------------------------------------------------------------------------------------------

/** One rule of a PrometheusRule group (monitoring.coreos.com/v1 field names). */
export interface PrometheusRuleSpec {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly rules: readonly PrometheusRuleSpec[];
}

/** Failing results per policy, labelled with its template and environment (recorded, so alerts and the dashboard share it). */
export const FAILING_RESULTS_RECORD = 'krate:failing_policy_results:count';

/** Policy Reporter's result gauges: namespaced PolicyReports and ClusterPolicyReports. */
const REPORT_RESULTS = '__name__=~"policy_report_result|cluster_policy_report_result"';

/** Kyverno's webhooks, as the API server names them (validate.kyverno.svc-fail, vpol.validate.kyverno.svc-…). */
const KYVERNO_WEBHOOKS = 'name=~".*kyverno[.]svc.*"';

/** KyvernoAdmissionDenialsHigh only judges a ratio over at least this many requests (in 10 minutes). */
export const MIN_ADMISSION_REQUESTS = 20;

/** A PromQL string literal (Go-style escapes, which JSON's are). */
function q(value: string): string {
  return JSON.stringify(value);
}

/** A regular expression matching exactly these strings. */
function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** The alert rule groups for an environment; `policyApps` are the catalog apps whose health says whether policies are ready. */
export function alertGroups(env: ResolvedEnvironment, policyApps: readonly string[]): PrometheusRuleGroup[] {
  const a = env.monitoring.alerts;
  const environment = q(env.name);
  const failing = (offset = ''): string =>
    `sum by (environment, template) (${FAILING_RESULTS_RECORD}{environment=${environment}}${offset ? ` offset ${offset}` : ''})`;
  const labels = (severity: 'critical' | 'warning') => ({ severity, environment: env.name });
  const kyvernoNs = q(env.kyverno.namespace);
  const jobs = env.monitoring.kyvernoMetricsJobs;
  const apps = env.monitoring.argocdMetrics ? policyApps.flatMap((app) => childApplicationNames(env, app)) : [];

  const results: PrometheusRuleSpec[] = [
    ...env.plan.policies.map((p) => ({
      record: FAILING_RESULTS_RECORD,
      // Policy Reporter replicas each export every result: count one pod's, not their sum. A policy
      // without failures records 0, so a jump from clean is measured from a baseline too.
      expr: `max by (policy) (sum by (policy, pod) ({${REPORT_RESULTS}, status=~"fail|error", policy=${q(p.name)}})) or label_replace(vector(0), "policy", ${q(p.name)}, "", "")`,
      // policy too: two policies of one template (audit namespaces) are two series, not one recorded twice.
      labels: { environment: env.name, template: p.template.name, policy: p.name },
    })),
    {
      alert: 'KratePolicyFailingResultsSpike',
      expr: `(${failing()} - ${failing(a.failingResultsWindow)}) >= ${a.failingResultsIncrease}`,
      for: '5m',
      labels: labels('warning'),
      annotations: {
        summary: `Failing results of {{ $labels.template }} in ${env.name} rose by {{ $value }} in ${a.failingResultsWindow}`,
        description: `Policy Reporter counts at least ${a.failingResultsIncrease} more failing results (fail + error) for template {{ $labels.template }} than ${a.failingResultsWindow} ago, as after a sync that brought a new or stricter policy or non-compliant workloads. Check the last sync and the template's policy reports before promoting it.`,
      },
    },
  ];

  const admission: PrometheusRuleSpec[] = [
    {
      alert: 'KyvernoAdmissionLatencyHigh',
      expr: `histogram_quantile(0.99, sum by (le) (rate(kyverno_admission_review_duration_seconds_bucket[5m]))) > ${a.admissionLatencyP99Ms / 1000}`,
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: `Kyverno admission review p99 latency in ${env.name} is {{ $value | humanizeDuration }}`,
        description: `The 99th percentile of kyverno_admission_review_duration_seconds has been above ${a.admissionLatencyP99Ms}ms for 10 minutes; near the webhook timeout the API server fails (or skips) the call.`,
      },
    },
    {
      alert: 'KyvernoAdmissionDenialsHigh',
      expr: `(100 * sum(rate(kyverno_admission_requests_total{request_allowed="false"}[10m])) / sum(rate(kyverno_admission_requests_total[10m]))) > ${a.deniedRequestsPercent} and on () sum(increase(kyverno_admission_requests_total[10m])) >= ${MIN_ADMISSION_REQUESTS}`,
      for: '15m',
      labels: labels('warning'),
      annotations: {
        summary: `Kyverno denies {{ $value | humanize }}% of admission requests in ${env.name}`,
        description: `More than ${a.deniedRequestsPercent}% of the admission requests Kyverno reviewed in the last 10 minutes were denied (kyverno_admission_requests_total{request_allowed="false"}): an enforce step may be locking people out.`,
      },
    },
    {
      alert: 'KyvernoWebhookCallsFailing',
      expr: `sum by (name) (rate(apiserver_admission_webhook_rejection_count{${KYVERNO_WEBHOOKS}, error_type=~"calling_webhook_error|apiserver_internal_error"}[5m])) > 0`,
      for: '2m',
      labels: labels('critical'),
      annotations: {
        summary: `The API server in ${env.name} rejects requests because Kyverno webhook {{ $labels.name }} cannot be called`,
        description:
          'apiserver_admission_webhook_rejection_count counts requests rejected because calling the webhook failed (failurePolicy Fail): Kyverno is unreachable or erroring, and every request it covers fails.',
      },
    },
    {
      alert: 'KyvernoWebhookSkipped',
      expr: `sum by (name) (rate(apiserver_admission_webhook_fail_open_count{${KYVERNO_WEBHOOKS}}[5m])) > 0`,
      for: '2m',
      labels: labels('warning'),
      annotations: {
        summary: `The API server in ${env.name} skips Kyverno webhook {{ $labels.name }}`,
        description:
          'apiserver_admission_webhook_fail_open_count counts requests admitted without the webhook because calling it failed (failurePolicy Ignore): policies are not applied to them.',
      },
    },
  ];

  const health: PrometheusRuleSpec[] = [
    {
      alert: 'KyvernoControllerDown',
      expr: [
        `(sum by (job) (up{namespace=${kyvernoNs}, job=~${q(anyOf(jobs))}}) == 0)`,
        ...jobs.map((job) => `absent(up{namespace=${kyvernoNs}, job=${q(job)}})`),
      ].join(' or '),
      for: a.controllerDownFor,
      labels: labels('critical'),
      annotations: {
        summary: `Kyverno controller {{ $labels.job }} in ${env.name} is down or not scraped`,
        description: `Every target of {{ $labels.job }} in namespace ${env.kyverno.namespace} has been down, or none has been scraped, for ${a.controllerDownFor}: admission, background scans, cleanup or reports stop (check the pods, and that its ServiceMonitor exists).`,
      },
    },
    ...(apps.length > 0
      ? [
          {
            alert: 'KratePolicyNotReady',
            expr: `max by (name, health_status) (argocd_app_info{namespace=${q(env.argocd.namespace)}, name=~${q(anyOf(apps))}, health_status!="Healthy"}) > 0`,
            for: a.policyNotReadyFor,
            labels: labels('warning'),
            annotations: {
              summary: `Argo CD application {{ $labels.name }} in ${env.name} is {{ $labels.health_status }}`,
              description: `A policy or exception it syncs has not been ready for ${a.policyNotReadyFor} (the health checks in apps/bootstrap/argocd-cm-health.yaml read Kyverno's status.conditionStatus): run kubectl get validatingpolicies,imagevalidatingpolicies and read the conditions.`,
            },
          },
        ]
      : []),
  ];

  return [
    { name: 'krate-policy-results', rules: results },
    { name: 'krate-kyverno-admission', rules: admission },
    { name: 'krate-kyverno-health', rules: health },
  ];
}

/** The Grafana variables the dashboard defines, besides Grafana's own ($__rate_interval…). */
export const DASHBOARD_VARIABLES = ['datasource', 'environment'] as const;

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
  readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
  readonly options?: Record<string, unknown>;
  readonly targets: readonly { readonly refId: string; readonly expr: string; readonly legendFormat: string; readonly instant?: boolean }[];
}

/** The environment's Grafana dashboard (dashboard JSON model). */
export function grafanaDashboard(env: ResolvedEnvironment): Record<string, unknown> {
  const datasource = { type: 'prometheus' as const, uid: '${datasource}' };
  const perTemplate = `sum by (environment, template) (${FAILING_RESULTS_RECORD}{environment=~"$environment"})`;
  const quantile = (p: number): string =>
    `histogram_quantile(${p}, sum by (le) (rate(kyverno_admission_review_duration_seconds_bucket[$__rate_interval])))`;
  const panel = (id: number, p: Omit<Panel, 'id' | 'datasource'>): Panel => ({ id, datasource, ...p });
  const panels: Panel[] = [
    panel(1, {
      type: 'timeseries',
      title: 'Failing results per template',
      description: "Policy Reporter's fail + error results per template and environment (recorded as " + FAILING_RESULTS_RECORD + ').',
      gridPos: { x: 0, y: 0, w: 16, h: 10 },
      fieldConfig: { defaults: { unit: 'short', min: 0 }, overrides: [] },
      targets: [{ refId: 'A', expr: perTemplate, legendFormat: '{{template}} ({{environment}})' }],
    }),
    panel(2, {
      type: 'bargauge',
      title: 'Failing results now',
      description: 'The latest count per template and environment, highest first.',
      gridPos: { x: 16, y: 0, w: 8, h: 10 },
      fieldConfig: { defaults: { unit: 'short', min: 0 }, overrides: [] },
      options: { orientation: 'horizontal', displayMode: 'basic', reduceOptions: { calcs: ['lastNotNull'], values: false } },
      targets: [{ refId: 'A', expr: `sort_desc(${perTemplate})`, legendFormat: '{{template}} ({{environment}})', instant: true }],
    }),
    panel(3, {
      type: 'timeseries',
      title: 'Admission review latency',
      description: "Kyverno's end-to-end admission review latency (kyverno_admission_review_duration_seconds), p50 / p95 / p99.",
      gridPos: { x: 0, y: 10, w: 12, h: 9 },
      fieldConfig: { defaults: { unit: 's', min: 0 }, overrides: [] },
      targets: [
        { refId: 'A', expr: quantile(0.5), legendFormat: 'p50' },
        { refId: 'B', expr: quantile(0.95), legendFormat: 'p95' },
        { refId: 'C', expr: quantile(0.99), legendFormat: 'p99' },
      ],
    }),
    panel(4, {
      type: 'timeseries',
      title: 'Admission requests by decision',
      description: 'Requests Kyverno reviewed per second, allowed or denied (kyverno_admission_requests_total).',
      gridPos: { x: 12, y: 10, w: 12, h: 9 },
      fieldConfig: { defaults: { unit: 'reqps', min: 0 }, overrides: [] },
      targets: [
        {
          refId: 'A',
          expr: 'sum by (request_allowed) (rate(kyverno_admission_requests_total[$__rate_interval]))',
          legendFormat: 'allowed={{request_allowed}}',
        },
      ],
    }),
  ];
  return {
    uid: `krate-policies-${env.name}`,
    title: `Krate policies (${env.name})`,
    description: `Kyverno policy results and admission for the ${env.name} environment, rendered by krate-policy-gitops.`,
    tags: ['krate', 'kyverno', env.name],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-7d', to: 'now' },
    refresh: '5m',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0 },
        {
          name: 'environment',
          label: 'Environment',
          type: 'query',
          datasource,
          query: { query: `label_values(${FAILING_RESULTS_RECORD}, environment)`, refId: 'environment' },
          definition: `label_values(${FAILING_RESULTS_RECORD}, environment)`,
          current: { text: env.name, value: env.name },
          multi: true,
          includeAll: true,
          refresh: 2,
          hide: 0,
        },
      ],
    },
    panels,
  };
}

export interface KrateMonitoringProps {
  /** The environment: its monitoring settings, Kyverno namespace and planned policies. */
  readonly env: ResolvedEnvironment;
  /** Catalog apps that sync policies and exceptions; KratePolicyNotReady watches their Argo CD health. */
  readonly policyApps: readonly string[];
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'monitoring'
   */
  readonly app?: string;
}

/** Name of the PrometheusRule and the dashboard ConfigMap. */
export const MONITORING_NAME = 'krate-policies';

/**
 * Krate's `monitoring.coreos.com/v1` PrometheusRule (alerts, and the per-template recording rule
 * they and the dashboard read) and a Grafana dashboard ConfigMap labelled for the Grafana sidecar.
 */
export class KrateMonitoring extends AppChart {
  constructor(scope: Construct, id: string, props: KrateMonitoringProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'monitoring' });
    const m = props.env.monitoring;
    const partOf = { 'app.kubernetes.io/part-of': 'krate' };
    new ApiObject(this, 'rule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: MONITORING_NAME, namespace: m.namespace, labels: { ...partOf, ...m.selectorLabels } },
      spec: { groups: alertGroups(props.env, props.policyApps) },
    });
    if (m.dashboard.enabled) {
      new ApiObject(this, 'dashboard', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${MONITORING_NAME}-dashboard`,
          namespace: m.dashboard.namespace ?? m.namespace,
          labels: { ...partOf, [m.dashboard.label]: m.dashboard.labelValue },
        },
        data: { [`krate-policies-${props.env.name}.json`]: `${JSON.stringify(grafanaDashboard(props.env), null, 2)}\n` },
      });
    }
  }
}
