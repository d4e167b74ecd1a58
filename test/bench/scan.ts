import { loadavg } from 'node:os';
import { planAllTemplates } from '../../config/plan';
import { renderPolicy } from '../../policies/render';
import { TEMPLATES } from '../../policies';
import { CelEngine } from '../../analysis/cel';
import type { Manifest, SourcedManifest } from '../../lib/manifests';
import { PolicySet } from '../../analysis/scan';
import { type Bench, median, ms } from './harness';

const RESOURCES = 12_000;
const RUNS = 5;

/** A deterministic corpus: Pods, pod controllers, Krate resources and plain objects, some compliant. */
export function generateCorpus(n: number): SourcedManifest[] {
  const out: SourcedManifest[] = [];
  for (let i = 0; i < n; i++) {
    const good = i % 3 !== 0;
    const podSpec = {
      ...(good ? { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } } : { hostNetwork: true }),
      containers: [
        {
          name: 'app',
          image: good ? `registry.example.com/app:1.${i % 50}` : 'nginx:latest',
          ports: [{ containerPort: 8080, ...(good ? {} : { hostPort: 8080 }) }],
          resources: good ? { limits: { cpu: '500m', memory: '256Mi' } } : {},
          securityContext: good ? { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } : { privileged: true },
        },
        { name: 'sidecar', image: 'registry.example.com/proxy:2.0', resources: { limits: { cpu: '100m', memory: '64Mi' } } },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }, ...(good ? [] : [{ name: 'host', hostPath: { path: '/var' } }])],
    };
    const labels = good ? { app: `app-${i}`, team: 'payments' } : { app: `app-${i}` };
    const ns = `team-${i % 20}`;
    let m: Manifest;
    switch (i % 6) {
      case 0:
      case 1:
        m = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: ns, labels }, spec: podSpec };
        break;
      case 2:
        m = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `deploy-${i}`, namespace: ns },
          spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
        };
        break;
      case 3:
        m = {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: `cron-${i}`, namespace: ns },
          spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels }, spec: podSpec } } } },
        };
        break;
      case 4:
        m = {
          apiVersion: 'krate.a5c.ai/v1alpha1',
          kind: 'Job',
          metadata: { name: `job-${i}`, namespace: ns },
          spec: { fork: !good, trustTier: good ? 'trusted' : 'trusted', serviceAccountName: good ? 'krate-trusted-runner' : 'default' },
        };
        break;
      default:
        m = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: ns }, data: { k: 'v' } };
    }
    out.push({ manifest: m, file: 'corpus.yaml', index: i });
  }
  return out;
}

/** scan throughput: policy×resource evaluations per second over a generated corpus, one core. */
export const scanBench: Bench = {
  name: `scan (every template, ${RESOURCES.toLocaleString('en')} generated resources)`,
  async run() {
    const corpus = generateCorpus(RESOURCES);
    const t0 = performance.now();
    const set = new PolicySet(planAllTemplates(TEMPLATES).map((p) => renderPolicy(p.template, p.options)));
    const compileMs = performance.now() - t0;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let evaluations = 0;
    for (let i = 0; i < RUNS; i++) {
      const c = process.cpuUsage();
      const s = performance.now();
      evaluations = set.scan(corpus).results.length;
      times.push(performance.now() - s);
      const used = process.cpuUsage(c);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    const t = median(times);
    const cpu = median(cpuTimes);
    const rate = evaluations / (t / 1000);
    // The reference: raw cel-js on a simple expression, the "~2M evaluations/s" figure (without
    // analysis/cel/fast.ts, so the fraction below stays comparable across changes to the engine).
    const raw = new CelEngine({ fastPath: false }).compile('object.spec.replicas > 1 && object.metadata.name != ""');
    const ctx = { object: { spec: { replicas: 3n }, metadata: { name: 'a' } } };
    const N = 500_000;
    const r0 = performance.now();
    for (let i = 0; i < N; i++) raw(ctx);
    const rawRate = N / ((performance.now() - r0) / 1000);
    return [
      { label: 'resources', value: String(corpus.length) },
      { label: 'policy×resource evaluations per scan', value: String(evaluations) },
      { label: `scan time, median of ${RUNS}`, value: ms(t) },
      { label: 'evaluations per second', value: rate.toFixed(0) },
      // The process's CPU time (GC threads included): on a shared machine it varies less than wall time.
      { label: `scan CPU time (user + system), median of ${RUNS}`, value: ms(cpu) },
      { label: 'evaluations per CPU second', value: (evaluations / (cpu / 1000)).toFixed(0) },
      {
        label: 'load average (1, 5, 15 min)',
        value: loadavg()
          .map((x) => x.toFixed(2))
          .join(' '),
      },
      { label: 'raw CEL, simple expression, evaluations per second', value: rawRate.toFixed(0) },
      { label: 'scan rate as a fraction of raw CEL (measured here)', value: (rate / rawRate).toFixed(3) },
      { label: 'scan rate as a fraction of ~2M/s raw CEL', value: (rate / 2_000_000).toFixed(3) },
      { label: 'policy compile time (all expressions, once)', value: ms(compileMs) },
    ];
  },
};
