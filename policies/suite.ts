// One folder per template: policies/<pack>/<template>/ holds template.ts (the typed template,
// `export default`) and its Kyverno CLI test suite, kyverno-test.yaml, which tests policy.yaml: the
// template rendered with its default parameters in Audit. This module says what that rendered
// policy is, so it can be generated (`npx krate-policy generate`) and checked against the template.
import { toYaml, type Manifest } from '../lib/manifests';
import { policyName, POLICY_SCOPES } from './naming';
import { renderPolicy } from './render';
import type { PolicyTemplate } from './template';

/** The files of a template folder. */
export const TEMPLATE_FOLDER_FILES = {
  /** The typed template (`export default`). */
  template: 'template.ts',
  /** The Kyverno CLI test suite (`cli.kyverno.io/v1alpha1` `Test`). */
  test: 'kyverno-test.yaml',
  /** GENERATED: the template rendered for the suite. */
  policy: 'policy.yaml',
  /**
   * A context-aware template's cluster: a Kyverno CLI `Context` (objects served to resource.Get /
   * resource.List), named by the suite's `context` field. Not a case: it holds no resource under test.
   */
  context: 'context.yaml',
} as const;

/** The organisation a suite's policy is rendered for: its name is `krate-example-cluster-<template>`. */
export const SUITE_ORG = 'example';

/** The policy a template's suite tests: default parameters, Audit, every namespace. */
export function suitePolicy(template: PolicyTemplate): Manifest {
  return renderPolicy(template, { org: SUITE_ORG, mode: 'Audit' });
}

/** The name the suite's results refer to (`results[].policy`). */
export function suitePolicyName(template: Pick<PolicyTemplate, 'name'>): string {
  return policyName(SUITE_ORG, POLICY_SCOPES.cluster, template.name);
}

/** The text of a template folder's policy.yaml. */
export function suitePolicyYaml(template: PolicyTemplate): string {
  return [
    `# Generated from template.ts by \`npx krate-policy generate\` (default parameters, Audit). Do not edit.`,
    `# kyverno-test.yaml tests it: npx krate-policy test policies/${template.pack}/${template.name} (or kyverno test).`,
    toYaml(suitePolicy(template)),
  ].join('\n');
}
