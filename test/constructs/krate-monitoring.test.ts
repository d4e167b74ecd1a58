// The PrometheusRule and the Grafana dashboard as synth renders them, checked with the real
// promtool: every alert fires on synthetic series that should fire it and stays silent on
// series that should not; every rule and every dashboard expression parses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFinding, SchemaValidator } from '../../analysis/schema';
import {
  DASHBOARD_VARIABLES,
  FAILING_RESULTS_RECORD,
  MIN_ADMISSION_REQUESTS,
  type PrometheusRuleGroup,
} from '../../constructs/krate-monitoring';
import { krateKyvernoRelease } from '../../constructs/krate-kyverno';
import { helm } from '../../lib/helm';
import { parseManifests, type Manifest } from '../../lib/manifests';
import { REPO_ROOT } from '../../lib/paths';
import { renderManifests } from '../../synth/synth';
import { editableEnvironment, errorFor } from '../support/config-errors';
import { describeWithTool, PROMTOOL } from '../support/external-tool';
import { resolveFixture, type EnvironmentConfig } from '../support/fixtures';

type Json = Record<string, unknown>;

/** Fixture dev (single cluster, managed Kyverno) with Prometheus Operator, rendered through synth. */
function monitoringOf(monitoring: Json = {}, name = 'dev'): { manifests: Manifest[]; config: ReturnType<typeof resolveFixture> } {
  const env = editableEnvironment(name);
  env.monitoring = { prometheusOperator: true, ...monitoring };
  const config = resolveFixture({ environments: [env as EnvironmentConfig] });
  const manifests = renderManifests(config)
    .filter((r) => r.app === 'monitoring')
    .map((r) => r.manifest);
  return { manifests, config };
}

const { manifests, config } = monitoringOf({ selectorLabels: { release: 'kube-prometheus-stack' } });
const env = config.environments[0];
const rule = manifests.find((m) => m.kind === 'PrometheusRule')!;
const groups = (rule.spec as { groups: PrometheusRuleGroup[] }).groups;
const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
const dashboardMap = manifests.find((m) => m.kind === 'ConfigMap')!;
const dashboardJson = Object.values((dashboardMap as unknown as { data: Record<string, string> }).data)[0];

describe('monitoring app', () => {
  it('renders a PrometheusRule and a dashboard ConfigMap where Prometheus Operator runs, labelled for their selectors', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/monitoring/krate-policies-dashboard',
      'PrometheusRule/monitoring/krate-policies',
    ]);
    expect(rule.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'krate', release: 'kube-prometheus-stack' });
    expect(dashboardMap.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'krate', grafana_dashboard: '1' });
    expect(alerts.map((a) => a.alert)).toEqual([
      'KratePolicyFailingResultsSpike',
      'KyvernoAdmissionLatencyHigh',
      'KyvernoAdmissionDenialsHigh',
      'KyvernoWebhookCallsFailing',
      'KyvernoWebhookSkipped',
      'KyvernoControllerDown',
      'KratePolicyNotReady',
    ]);
  });

  it('renders nothing without Prometheus Operator', () => {
    expect(monitoringOf({ prometheusOperator: false }).manifests).toEqual([]);
  });

  it('fails when Prometheus Operator is declared where Kyverno is not there by configuration', () => {
    const message = errorFor((e) => {
      e.kyverno = { mode: 'auto', requireForEnforceMode: false };
      e.monitoring = { prometheusOperator: true };
    }, 'staging');
    expect(message).toContain(
      "environments.staging.monitoring.prometheusOperator: is true but kyverno.mode 'auto' renders no Kyverno objects, so no alerts or dashboard would be rendered; set kyverno.mode to managed or byo, or monitoring.prometheusOperator: false (edit environments/staging.ts)",
    );
  });

  it('fails when a threshold or job list is malformed', () => {
    const message = errorFor((e) => {
      e.monitoring = {
        prometheusOperator: true,
        kyvernoMetricsJobs: [],
        alerts: { failingResultsWindow: '30 minutes', deniedRequestsPercent: 150 },
      };
    }, 'staging');
    expect(message).toContain('environments.staging.monitoring.kyvernoMetricsJobs: must list at least one job name');
    expect(message).toContain(
      `environments.staging.monitoring.alerts.failingResultsWindow: "30 minutes" is not a duration like '10s', '5m' or '1h'`,
    );
    expect(message).toContain('environments.staging.monitoring.alerts.deniedRequestsPercent: 150 must be a whole number from 1 to 100');
  });

  it('takes the sidecar label, namespaces and thresholds from the environment', () => {
    const { manifests: custom } = monitoringOf({
      namespace: 'observability',
      dashboard: { label: 'grafana.io/dashboard', labelValue: 'krate', namespace: 'grafana' },
      alerts: { admissionLatencyP99Ms: 2500, failingResultsIncrease: 3, failingResultsWindow: '1h' },
    });
    const cm = custom.find((m) => m.kind === 'ConfigMap')!;
    expect(cm.metadata).toMatchObject({ namespace: 'grafana', labels: { 'grafana.io/dashboard': 'krate' } });
    const rules = (custom.find((m) => m.kind === 'PrometheusRule')!.spec as { groups: PrometheusRuleGroup[] }).groups.flatMap(
      (g) => g.rules,
    );
    expect(rules.find((r) => r.alert === 'KyvernoAdmissionLatencyHigh')!.expr).toMatch(/> 2\.5$/);
    expect(rules.find((r) => r.alert === 'KratePolicyFailingResultsSpike')!.expr).toMatch(/offset 1h\)\) >= 3$/);
    expect(monitoringOf({ dashboard: { enabled: false } }).manifests.map((m) => m.kind)).toEqual(['PrometheusRule']);
  });

  it('watches the Argo CD Applications of every fleet cluster, and drops KratePolicyNotReady without Argo CD metrics', () => {
    const fleet = monitoringOf({}, 'prod').manifests.find((m) => m.kind === 'PrometheusRule')!;
    const notReady = (fleet.spec as { groups: PrometheusRuleGroup[] }).groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === 'KratePolicyNotReady')!;
    expect(notReady.expr).toContain('name=~"prod-eu-1-policies|prod-us-1-policies|prod-us-gov-1-policies|prod-eu-1-policy-exceptions');
    const without = monitoringOf({ argocdMetrics: false }).manifests.find((m) => m.kind === 'PrometheusRule')!;
    expect(JSON.stringify(without.spec)).not.toContain('KratePolicyNotReady');
  });

  it('records failing results for every planned policy, labelled with its template and environment', () => {
    const records = groups.flatMap((g) => g.rules).filter((r) => r.record === FAILING_RESULTS_RECORD);
    expect(records.map((r) => r.labels)).toEqual(
      env.plan.policies.map((p) => ({ environment: 'dev', template: p.template.name, policy: p.name })),
    );
  });

  it('passes schema validation against the Prometheus Operator and Kubernetes schemas', async () => {
    const items = manifests.map((manifest, index) => ({ manifest, file: 'dist/dev/monitoring', index }));
    expect((await new SchemaValidator().validate(items)).map(formatFinding)).toEqual([]);
    // The schema is real: a rule without expr is refused.
    const broken = JSON.parse(JSON.stringify(rule)) as Manifest & { spec: { groups: { rules: Json[] }[] } };
    delete broken.spec.groups[0].rules[0].expr;
    const findings = (await new SchemaValidator().validate([{ manifest: broken, file: 'x', index: 0 }])).map(formatFinding);
    expect(findings.join('\n')).toContain("spec.groups[0].rules[0]: missing required field 'expr'");
  });
});

/** ../shared/upstream (development checkouts only): the real Policy Reporter chart the managed install pins. */
const UPSTREAM_POLICY_REPORTER = join(REPO_ROOT, '..', 'shared', 'upstream', 'charts', 'policy-reporter-3.9.0');
const withUpstream = existsSync(UPSTREAM_POLICY_REPORTER);

(withUpstream ? describe : describe.skip)(
  `the managed Policy Reporter where Prometheus Operator runs${withUpstream ? '' : ` (skipped: ${UPSTREAM_POLICY_REPORTER} is absent)`}`,
  () => {
    it('gets a ServiceMonitor with the Prometheus selector labels from the real policy-reporter chart', () => {
      const release = krateKyvernoRelease(env);
      const r = helm(['template', release.releaseName, release.chart, '--namespace', release.namespace], release.values);
      expect(r.stderr).toBe('');
      const app = parseManifests(r.stdout, 'helm template krate-kyverno')
        .map((i) => i.manifest)
        .find((m) => m.kind === 'Application' && m.metadata.name === 'policy-reporter') as unknown as {
        spec: { source: { helm: { valuesObject: unknown } } };
      };
      const upstream = helm(
        ['template', 'policy-reporter', UPSTREAM_POLICY_REPORTER, '--namespace', 'policy-reporter'],
        app.spec.source.helm.valuesObject,
      );
      if (upstream.status !== 0) throw new Error(upstream.stderr);
      const monitors = parseManifests(upstream.stdout, 'helm template policy-reporter')
        .map((i) => i.manifest)
        .filter((m) => m.kind === 'ServiceMonitor');
      expect(monitors.map((m) => (m.metadata.labels as Record<string, string>).release)).toEqual(['kube-prometheus-stack']);
    });
  },
);

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(dashboardJson) as {
    uid: string;
    templating: { list: { name: string; type: string; query: unknown; datasource?: unknown }[] };
    panels: { title: string; datasource: { type: string; uid: string }; targets: { expr: string }[] }[];
  };
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

  it('is JSON with a uid per environment and shows failing results per template and environment, and admission latency', () => {
    expect(dashboard.uid).toBe('krate-policies-dev');
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Failing results per template',
      'Failing results now',
      'Admission review latency',
      'Admission requests by decision',
    ]);
    expect(exprs[0]).toBe(`sum by (environment, template) (${FAILING_RESULTS_RECORD}{environment=~"$environment"})`);
    expect(
      exprs.filter((e) => e.includes('histogram_quantile(0.99, sum by (le) (rate(kyverno_admission_review_duration_seconds_bucket')),
    ).toHaveLength(1);
  });

  it('uses only the variables it defines and one Prometheus data source variable everywhere', () => {
    const defined = dashboard.templating.list.map((v) => v.name);
    expect(defined).toEqual([...DASHBOARD_VARIABLES]);
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of dashboard.panels) expect([p.title, p.datasource]).toEqual([p.title, { type: 'prometheus', uid: '${datasource}' }]);
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\$\{?(\w+)/g)].map((m) => m[1])));
    expect([...used].filter((v) => !v.startsWith('__') && !defined.includes(v))).toEqual([]);
    expect(used).toContain('environment');
  });
});

/** Runs promtool; returns its exit status and output. */
function promtool(path: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(path, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** One synthetic series, in promtool's expanding notation ('0+1x30', '_x10 1x20'). */
interface Series {
  readonly series: string;
  readonly values: string;
}

/** An alert test: what goes in, when it is evaluated, which alerts are expected then (none: silent). */
interface AlertCase {
  readonly name: string;
  readonly series: readonly Series[];
  readonly at: string;
  readonly expect: readonly { readonly labels: Readonly<Record<string, string>>; readonly value?: string }[];
}

const labelSet = (labels: Record<string, string>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
const series = (metric: string, labels: Record<string, string>, values: string): Series => ({
  series: `${metric}${labelSet(labels)}`,
  values,
});

/** The alert's annotations as Prometheus renders them for these labels and this value (the templates the rule uses). */
function renderAnnotations(alert: string, labels: Record<string, string>, value = ''): Record<string, string> {
  const annotations = alerts.find((a) => a.alert === alert)!.annotations ?? {};
  return Object.fromEntries(
    Object.entries(annotations).map(([k, v]) => [
      k,
      v.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? '').replace(/\{\{ \$value[^}]*\}\}/g, value),
    ]),
  );
}

describeWithTool(PROMTOOL, 'the PrometheusRule under promtool', (path) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'krate-promtool-'));
    // JSON is YAML: the rendered groups, exactly as dist/ holds them.
    writeFileSync(join(dir, 'rules.yaml'), JSON.stringify({ groups }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `promtool test rules` on these cases of one alert; fails the test with promtool's report. */
  function runCases(alert: string, cases: readonly AlertCase[]): void {
    const file = join(dir, `${alert}.test.yaml`);
    const tests = cases.map((c) => ({
      name: c.name,
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [
        {
          eval_time: c.at,
          alertname: alert,
          exp_alerts: c.expect.map((e) => {
            const labels = { alertname: alert, ...e.labels };
            return { exp_labels: e.labels, exp_annotations: renderAnnotations(alert, labels, e.value) };
          }),
        },
      ],
    }));
    writeFileSync(file, JSON.stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
    const r = promtool(path, ['test', 'rules', file], dir);
    if (r.status !== 0) throw new Error(`promtool test rules ${alert}: exit ${r.status}\n${r.out}`);
    expect(r.out).toContain('SUCCESS');
  }

  const base = { environment: 'dev' };
  const policy = env.plan.policies.find((p) => p.template.name === 'disallow-latest-tag')!;
  const result = (n: number, values: string, pod = 'policy-reporter-0', metric = 'policy_report_result', status = 'fail'): Series =>
    series(metric, { policy: policy.name, status, name: `app-${n}`, kind: 'Pod', pod, exported_namespace: 'apps' }, values);
  const results = (count: number, values: string, pod?: string, from = 0, status?: string): Series[] =>
    Array.from({ length: count }, (_, i) => result(from + i, values, pod, undefined, status));

  it('passes promtool check rules', () => {
    const r = promtool(path, ['check', 'rules', 'rules.yaml'], dir);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`SUCCESS: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules found`);
  });

  it('fails a wrong expectation (the harness can fail)', () => {
    expect(() =>
      runCases('KyvernoWebhookSkipped', [{ name: 'wrongly expected', series: [], at: '10m', expect: [{ labels: {} }] }]),
    ).toThrow(/FAILED/);
  });

  it('KratePolicyFailingResultsSpike: fires when a template gains 10 failing results in 30m, from zero or from a baseline', () => {
    const labels = { ...base, template: 'disallow-latest-tag', severity: 'warning' };
    runCases('KratePolicyFailingResultsSpike', [
      // A clean template: no result series at all until a sync at minute 40 brings 12 failures.
      { name: 'from clean', series: results(12, '_x40 1x30'), at: '50m', expect: [{ labels, value: '12' }] },
      // 3 failures all along, then 11 more (error counts as failing too).
      {
        name: 'from a baseline',
        series: [...results(3, '1x70'), ...results(11, '_x40 1x30', undefined, 3, 'error')],
        at: '50m',
        expect: [{ labels, value: '11' }],
      },
      { name: 'a small rise', series: [...results(3, '1x70'), ...results(9, '_x40 1x30', undefined, 3)], at: '50m', expect: [] },
      // Two Policy Reporter replicas export the same 6 new results: 6, not 12.
      {
        name: 'replicas are not added up',
        series: [...results(6, '_x40 1x30', 'policy-reporter-0'), ...results(6, '_x40 1x30', 'policy-reporter-1')],
        at: '50m',
        expect: [],
      },
      { name: 'passing results do not count', series: results(20, '_x40 1x30', undefined, 0, 'pass'), at: '50m', expect: [] },
      // Many failures that have been there for hours are no spike.
      { name: 'steady failures', series: results(15, '1x120'), at: '110m', expect: [] },
      { name: 'not yet for 5m', series: results(12, '_x40 1x30'), at: '43m', expect: [] },
    ]);
  });

  it('KyvernoAdmissionLatencyHigh: fires when p99 admission review latency stays above 1s for 10m', () => {
    const buckets = (le1: string, le25: string): Series[] => [
      series('kyverno_admission_review_duration_seconds_bucket', { le: '0.1' }, le1),
      series('kyverno_admission_review_duration_seconds_bucket', { le: '1' }, le1),
      series('kyverno_admission_review_duration_seconds_bucket', { le: '2.5' }, le25),
      series('kyverno_admission_review_duration_seconds_bucket', { le: '+Inf' }, le25),
    ];
    const labels = { ...base, severity: 'warning' };
    runCases('KyvernoAdmissionLatencyHigh', [
      // Every review takes 1–2.5s: p99 interpolates to 2.485s.
      { name: 'slow', series: buckets('0x30', '0+10x30'), at: '20m', expect: [{ labels, value: '2.485s' }] },
      { name: 'fast', series: buckets('0+10x30', '0+10x30'), at: '20m', expect: [] },
      { name: 'slow for less than 10m', series: buckets('0x30', '0+10x30'), at: '9m', expect: [] },
      { name: 'no traffic', series: buckets('0x30', '0x30'), at: '20m', expect: [] },
    ]);
  });

  it('KyvernoAdmissionDenialsHigh: fires when more than 10% of enough admission requests are denied for 15m', () => {
    const requests = (allowed: string, denied: string): Series[] => [
      series('kyverno_admission_requests_total', { request_allowed: 'true', resource_kind: 'Pod' }, allowed),
      series('kyverno_admission_requests_total', { request_allowed: 'false', resource_kind: 'Pod' }, denied),
    ];
    const labels = { ...base, severity: 'warning' };
    runCases('KyvernoAdmissionDenialsHigh', [
      { name: 'half denied', series: requests('0+5x60', '0+5x60'), at: '40m', expect: [{ labels, value: '50' }] },
      { name: 'one in a hundred denied', series: requests('0+99x60', '0+1x60'), at: '40m', expect: [] },
      // Half denied, but only 4 requests in 10 minutes: below the minimum a ratio is judged on.
      { name: 'too few requests', series: requests('0+1x12', '0+1x12'), at: '50m', expect: [] },
    ]);
    expect(MIN_ADMISSION_REQUESTS).toBeGreaterThan(4);
  });

  it('KyvernoWebhookCallsFailing: fires when the API server rejects requests because a Kyverno webhook cannot be called', () => {
    const rejections = (name: string, errorType: string): Series =>
      series(
        'apiserver_admission_webhook_rejection_count',
        { name, type: 'validating', operation: 'CREATE', error_type: errorType, rejection_code: '0' },
        '0+3x20',
      );
    runCases('KyvernoWebhookCallsFailing', [
      {
        name: 'kyverno unreachable',
        series: [rejections('vpol.validate.kyverno.svc-fail', 'calling_webhook_error')],
        at: '10m',
        expect: [{ labels: { ...base, severity: 'critical', name: 'vpol.validate.kyverno.svc-fail' } }],
      },
      // Denials by a policy are rejections without an error: Kyverno works.
      { name: 'policy denials', series: [rejections('vpol.validate.kyverno.svc-fail', 'no_error')], at: '10m', expect: [] },
      { name: 'another webhook', series: [rejections('validation.gatekeeper.sh', 'calling_webhook_error')], at: '10m', expect: [] },
    ]);
  });

  it("KyvernoWebhookSkipped: fires when the API server admits requests without Kyverno's webhook", () => {
    const failOpen = (values: string): Series[] => [
      series('apiserver_admission_webhook_fail_open_count', { name: 'validate.kyverno.svc-ignore', type: 'validating' }, values),
    ];
    runCases('KyvernoWebhookSkipped', [
      {
        name: 'failing open',
        series: failOpen('0+2x20'),
        at: '10m',
        expect: [{ labels: { ...base, severity: 'warning', name: 'validate.kyverno.svc-ignore' } }],
      },
      { name: 'an old count that does not grow', series: failOpen('7x20'), at: '10m', expect: [] },
    ]);
  });

  it('KyvernoControllerDown: fires when every target of a controller is down, or a controller is not scraped at all', () => {
    const [admission, ...others] = env.monitoring.kyvernoMetricsJobs;
    const up = (job: string, values: string, pod = `${job}-0`): Series => series('up', { namespace: 'kyverno', job, pod }, values);
    const healthy = others.map((job) => up(job, '1x20'));
    const labels = { ...base, severity: 'critical' };
    runCases('KyvernoControllerDown', [
      {
        name: 'admission controller down',
        series: [up(admission, '0x20'), ...healthy],
        at: '10m',
        expect: [{ labels: { ...labels, job: admission } }],
      },
      {
        name: 'admission controller not scraped',
        series: healthy,
        at: '10m',
        expect: [{ labels: { ...labels, job: admission, namespace: 'kyverno' } }],
      },
      { name: 'all up', series: [up(admission, '1x20'), ...healthy], at: '10m', expect: [] },
      {
        name: 'one replica of two down',
        series: [up(admission, '0x20', 'a'), up(admission, '1x20', 'b'), ...healthy],
        at: '10m',
        expect: [],
      },
      { name: 'down for less than 5m', series: [up(admission, '1x6 0x14'), ...healthy], at: '10m', expect: [] },
    ]);
  });

  it('KratePolicyNotReady: fires when a policy app stays unhealthy in Argo CD for 15m', () => {
    const app = (name: string, health: string): Series =>
      series('argocd_app_info', { namespace: 'argocd', name, health_status: health, sync_status: 'Synced', project: 'krate-dev' }, '1x40');
    runCases('KratePolicyNotReady', [
      {
        name: 'policies degraded',
        series: [app('dev-policies', 'Degraded')],
        at: '20m',
        expect: [{ labels: { ...base, severity: 'warning', name: 'dev-policies', health_status: 'Degraded' } }],
      },
      { name: 'policies healthy', series: [app('dev-policies', 'Healthy')], at: '20m', expect: [] },
      { name: 'not a policy app', series: [app('dev-krate-kyverno', 'Degraded')], at: '20m', expect: [] },
      { name: 'progressing for less than 15m', series: [app('dev-policy-exceptions', 'Progressing')], at: '10m', expect: [] },
    ]);
  });

  it('parses every dashboard expression (as recording rules; Grafana interval variables given a value)', () => {
    const dashboard = JSON.parse(dashboardJson) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr.replace(/\$__rate_interval/g, '5m')));
    const file = join(dir, 'dashboard-rules.yaml');
    writeFileSync(
      file,
      JSON.stringify({ groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:expr${i}`, expr })) }] }),
    );
    const r = promtool(path, ['check', 'rules', file], dir);
    if (r.status !== 0) throw new Error(r.out);
    expect(r.out).toContain(`SUCCESS: ${exprs.length} rules found`);
    // And promtool refuses a broken one: the check can fail.
    writeFileSync(
      file,
      JSON.stringify({
        groups: [{ name: 'dashboard', rules: [{ record: 'dashboard:bad', expr: 'sum by (le) (rate(x[$__rate_interval]))' }] }],
      }),
    );
    expect(promtool(path, ['check', 'rules', file], dir).status).not.toBe(0);
  });
});
