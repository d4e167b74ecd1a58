// What a template folder's Kyverno CLI suite must be (the meta-test runs this over every folder):
// it tests the folder's generated policy.yaml and nothing else, expects at least one `fail` and one
// `pass` (an image template's passes need the registry, so it may have none), gives every resource it
// loads an expected result, tests Pod templates with a Pod and a pod controller both ways, holds
// when run, and never counts a resource the policy does not even apply to.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../lib/errors';
import { podControllersOf, policyKindOf } from '../policies/render';
import { suitePolicyName, TEMPLATE_FOLDER_FILES } from '../policies/suite';
import type { PolicyTemplate } from '../policies/template';
import { runSuites } from './kyverno-test/runner';
import { loadSuites, type ExpectedResult, type SourcedDoc, type Suite } from './kyverno-test/suite';

/** The kinds Kyverno auto-generates a Pod policy for. */
export const POD_CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

const id = (d: SourcedDoc) => {
  const m = d.manifest;
  return `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
};

/** Whether an expected result names this resource (as the runner looks resources up). */
function names(r: ExpectedResult, d: SourcedDoc): boolean {
  const m = d.manifest;
  if (r.kind && r.kind !== m.kind) return false;
  if (r.resources.length === 0 && r.resourceSpecs.length === 0) return true;
  return (
    r.resources.some((entry) => {
      const slash = entry.indexOf('/');
      return slash < 0 ? entry === m.metadata.name : entry === `${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    }) || r.resourceSpecs.some((s) => s.name === m.metadata.name && (s.namespace ?? '') === (m.metadata.namespace ?? ''))
  );
}

/**
 * The problems of one template folder's suite, each naming the file and the fix; [] when it is
 * what a template's suite must be. `folder` is the folder on disk, `shown` how messages name it.
 */
export function templateSuiteProblems(folder: string, template: PolicyTemplate, shown: string): string[] {
  const testFile = join(folder, TEMPLATE_FOLDER_FILES.test);
  const at = `${shown}/${TEMPLATE_FOLDER_FILES.test}`;
  if (!existsSync(testFile))
    return [
      `${shown}/: has no ${TEMPLATE_FOLDER_FILES.test}; every template folder has its Kyverno CLI suite (npx krate-policy new scaffolds one)`,
    ];
  let suites: Suite[];
  try {
    suites = loadSuites(testFile);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  if (suites.length !== 1) return [`${at}: holds ${suites.length} Test documents; a template folder's suite is exactly one`];
  const suite = suites[0];
  const problems: string[] = [];
  const policyFile = resolve(folder, TEMPLATE_FOLDER_FILES.policy);
  const name = suitePolicyName(template);
  const files = [...new Set(suite.policies.map((p) => resolve(p.file)))];
  if (files.length !== 1 || files[0] !== policyFile || suite.policies.length !== 1 || suite.unsupported.length > 0)
    problems.push(
      `${at}: policies: must name exactly ${TEMPLATE_FOLDER_FILES.policy}, the template rendered by \`npx krate-policy generate\` (the suite tests the template, nothing else)`,
    );
  suite.results.forEach((r) => {
    if (r.policy.slice(r.policy.lastIndexOf('/') + 1) !== name)
      problems.push(`${at}: results[${r.index}].policy: '${r.policy}' is not the rendered policy; write '${name}'`);
  });
  const image = policyKindOf(template) === 'ImageValidatingPolicy';
  const of = (result: string) => suite.results.filter((r) => r.result === result);
  if (of('fail').length === 0)
    problems.push(`${at}: has no result: fail; add a resource the template must reject (bad.yaml) and expect fail for it`);
  if (of('pass').length === 0 && !image)
    problems.push(`${at}: has no result: pass; add a resource the template must admit (good.yaml) and expect pass for it`);
  for (const d of suite.resources)
    if (!suite.results.some((r) => names(r, d)))
      problems.push(
        `${shown}/${relative(folder, resolve(d.file))}: ${id(d)} has no expected result in ${TEMPLATE_FOLDER_FILES.test}; add it to results, or remove it`,
      );
  if (podControllersOf(template).length > 0) {
    for (const result of image ? ['fail'] : ['pass', 'fail']) {
      const kinds = suite.resources.filter((d) => of(result).some((r) => names(r, d))).map((d) => d.manifest.kind);
      if (!kinds.includes('Pod') || !kinds.some((k) => POD_CONTROLLER_KINDS.includes(k)))
        problems.push(
          `${at}: a Pod template is tested with a Pod and a pod controller (${POD_CONTROLLER_KINDS.join(', ')}) expected to ${result}; the ${result} cases have ${kinds.length ? [...new Set(kinds)].join(', ') : 'none'}`,
        );
    }
  }
  if (problems.length > 0) return problems;
  for (const row of runSuites([suite]).suites[0].rows) {
    if (!row.passed) problems.push(`${at}: ${row.resource}: expected ${row.expected}, got ${row.actual}: ${row.message}`);
    else if (row.actual === 'excluded')
      problems.push(
        `${at}: ${row.resource}: the policy does not apply to it (its match constraints leave it out), so its ${row.expected} proves nothing; make it a resource the policy matches`,
      );
  }
  return problems;
}
