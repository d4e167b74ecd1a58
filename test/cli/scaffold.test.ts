// What `krate-policy new` writes, as text: kinds resolved, and TypeScript exactly as prettier prints it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveKind, scaffoldFiles, templateSource, type ScaffoldRequest } from '../../cli/scaffold';
import { REPO_ROOT } from '../../lib/paths';
import { problemsOf } from '../support/problems';

describe('resolveKind', () => {
  it('resolves built-in, Krate and custom kinds to their resource and scope', () => {
    expect(resolveKind('Ingress', undefined)).toEqual({
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      resource: 'ingresses',
      namespaced: true,
    });
    expect(resolveKind('Namespace', undefined)).toEqual({ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces', namespaced: false });
    expect(resolveKind('Repository', undefined)).toEqual({
      kind: 'Repository',
      apiVersion: 'krate.a5c.ai/v1alpha1',
      resource: 'repositories',
      namespaced: true,
    });
    expect(resolveKind('Job', 'batch/v1').resource).toBe('jobs');
    expect(resolveKind('Gateway', 'gateway.networking.k8s.io/v1')).toEqual({
      kind: 'Gateway',
      apiVersion: 'gateway.networking.k8s.io/v1',
      resource: 'gateways',
      namespaced: true,
    });
  });

  it('fails when --kind is not a kind name', () => {
    expect(problemsOf(() => resolveKind('pod', undefined))).toEqual(["--kind: 'pod' is not a kind (CamelCase, like Pod or PullRequest)"]);
  });

  it('fails when --api-version is not an API version', () => {
    expect(problemsOf(() => resolveKind('Widget', 'example.com'))).toEqual([
      "--api-version: 'example.com' is not an API version (group/version like example.com/v1, or v1 for the core group)",
    ]);
  });
});

describe('templateSource', () => {
  const formatted = (text: string): string =>
    spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--stdin-filepath', 'policies/x/y/template.ts'],
      {
        cwd: REPO_ROOT,
        input: text,
        encoding: 'utf8',
      },
    ).stdout;
  const request = (pack: ScaffoldRequest['pack'], kind: string, apiVersion?: string): ScaffoldRequest => ({
    name: 'require-owner',
    pack,
    kind: resolveKind(kind, apiVersion),
  });

  it.each([
    ['a Pod template', request('best-practices', 'Pod')],
    ["a Krate template of Krate's pack", request('krate', 'PullRequest')],
    ['a Krate kind in another pack', request('best-practices', 'RunnerPool')],
    ['a built-in kind', request('pod-security-baseline', 'Service')],
    [
      'a custom kind with a long rule',
      request('best-practices', 'AVeryLongCustomResourceKindName', 'a-very-long-api-group.platform.example.com/v1alpha1'),
    ],
  ])('is TypeScript as prettier prints it: %s', (_label, req) => {
    const text = templateSource(req);
    expect(formatted(text)).toBe(text);
  });

  it('names the rendered policy in every result and gives a Pod template a Deployment case each way', () => {
    const suite = scaffoldFiles(request('best-practices', 'Pod')).get('kyverno-test.yaml')!;
    expect(suite.match(/policy: krate-example-cluster-require-owner$/gm)).toHaveLength(4);
    expect(suite.match(/kind: Deployment$/gm)).toHaveLength(2);
  });
});
