// Exception requests: static validation (synth runs it), the clock-dependent findings `check`
// reports, and the CEL matchConditions the PolicyExceptions render with.
import type { Environment as CelEnvironment } from '@marcbachmann/cel-js';
import { EXCEPTION_CONDITION, EXCEPTION_REQUEST, type ExceptionRequest } from '../environments/types';
import { isDnsLabel, isDnsSubdomain } from '../lib/kubernetes-names';
import { dnsLabel, INVALID, knownFields, nonEmptyString, oneOf, type Spec } from '../lib/spec';
import { assertCelResult, celEnvironment as kyvernoCelEnvironment } from '../lib/cel';
import { daysBetween, isIsoDate } from '../lib/dates';
import { Problems, show } from '../lib/errors';
import { LADDER_ENVIRONMENTS } from '../lib/ladder';
import { didYouMean } from '../lib/suggest';
import type { PolicyTemplate } from '../policies/template';
import { podControllersOf } from '../policies/render';
import type { EnvironmentSettings } from './environment';
import { PROTECTED_NAMESPACES } from './exclusions';
import type { PolicyMode } from '../lib/ladder';
import { personaProblem } from './tenancy';

import { EXCEPTIONS_FILE as FILE } from '../lib/paths';
const TICKET = /^([A-Z][A-Z0-9]+-\d+|https:\/\/\S+)$/;
/** Names of the conditions we generate; user conditions must not reuse them. */
export const GENERATED_CONDITIONS = { namespaces: 'krate-namespaces', names: 'krate-names' } as const;

/** The environment Kyverno compiles PolicyException conditions in (lib/cel.ts). */
export function celEnvironment(): CelEnvironment {
  return kyvernoCelEnvironment('PolicyException');
}

/** A CEL string-list literal; names and namespaces are DNS names, so single quotes never need escaping. */
const celList = (values: readonly string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/**
 * CEL (evaluated by Kyverno against the admission object) that is true for the named objects and
 * for what their controllers create from them, so an exception for a workload is not undone by its
 * own ReplicaSets, Jobs and Pods, which the pod policies check too:
 * - the object itself (`metadata.name`);
 * - anything it owns directly (`ownerReferences[].name`): a Deployment's ReplicaSets, a DaemonSet's,
 *   StatefulSet's or Job's Pods, a CronJob's Jobs;
 * - a Deployment's Pods (owned by ReplicaSet `<name>-<pod-template-hash>`, created with
 *   `generateName: <name>-<pod-template-hash>-` and usually no name yet at admission);
 * - a CronJob's Pods (owned by Job `<name>-<digits>`, the name the CronJob controller gives).
 * A bare `<name>-` prefix is not enough: Deployment `billing-api-v2`'s Pods start with `billing-api-`.
 * Every field read is optional-safe (admission objects and manifests may omit any of them).
 */
export function namedWorkloadCondition(names: readonly string[]): string {
  const list = celList(names);
  const owners = 'object.?metadata.?ownerReferences.orValue([])';
  const hash = "object.?metadata.?labels[?'pod-template-hash']";
  // Names are DNS subdomains: only '.' needs escaping in a regex, and CEL strings reject '\.'.
  const cronJobJobs = `^(${names.map((n) => n.replace(/\./g, '[.]')).join('|')})-[0-9]+$`;
  return [
    `object.?metadata.?name.orValue('') in ${list}`,
    `${owners}.exists(r, r.?name.orValue('') in ${list})`,
    `(${hash}.hasValue() && ${list}.exists(n, object.?metadata.?generateName.orValue('') == n + '-' + ${hash}.value() + '-' || ${owners}.exists(r, r.?kind.orValue('') == 'ReplicaSet' && r.?name.orValue('') == n + '-' + ${hash}.value())))`,
    `${owners}.exists(r, r.?kind.orValue('') == 'Job' && r.?name.orValue('').matches('${cronJobJobs}'))`,
  ].join(' || ');
}

/** The matchConditions an exception renders with: namespaces, names, then its own conditions. */
export function exceptionMatchConditions(e: ExceptionRequest): { name: string; expression: string }[] {
  const out: { name: string; expression: string }[] = [];
  if (e.namespaces && e.namespaces.length > 0) {
    out.push({ name: GENERATED_CONDITIONS.namespaces, expression: `object.metadata.?namespace.orValue('') in ${celList(e.namespaces)}` });
  }
  if (e.names && e.names.length > 0) out.push({ name: GENERATED_CONDITIONS.names, expression: namedWorkloadCondition(e.names) });
  for (const c of e.conditions ?? []) out.push({ name: c.name, expression: c.expression });
  return out;
}

const POD_CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

/**
 * The pod-controller kind a condition restricts the exception to (`object.kind == 'DaemonSet'`)
 * when it says nothing about owned objects: for a pod template such a condition never covers the
 * controller's Pods. A condition that reads ownerReferences is trusted to cover them.
 */
function controllerOnlyKind(expression: string): string | undefined {
  if (/ownerReferences/.test(expression)) return undefined;
  const m = /object\.kind\s*==\s*['"](\w+)['"]/.exec(expression);
  return m && POD_CONTROLLER_KINDS.includes(m[1]) ? m[1] : undefined;
}

export interface ValidateExceptionsOptions {
  /** The mode an org's policies of a template have in an environment (undefined: none renders there). */
  readonly policyMode: (env: string, org: string, template: string) => PolicyMode | undefined;
  /** The template library. */
  readonly templates: readonly PolicyTemplate[];
  /** False when the rollout or an environment's bindings have problems (reported with them): the checks that need the org's policies there are skipped. */
  readonly policiesKnown: (env: string, org: string) => boolean;
}

/**
 * Static checks of exception requests against resolved environments (no clock: synth runs these).
 * Exceptions of environments not in `envs` are skipped, except that their environment must be a
 * ladder environment.
 */
export function validateExceptions(
  exceptions: unknown,
  envs: readonly EnvironmentSettings[],
  problems: Problems,
  options: ValidateExceptionsOptions,
): void {
  const ctx = { problems, fix: `edit ${FILE}` };
  const valid = <T>(spec: Spec<T>, value: unknown, path: string): value is T => spec.parse(value, path, ctx) !== INVALID;
  const environments = oneOf(LADDER_ENVIRONMENTS);
  const fail = (path: string, message: string): void => problems.add(path, `${message} (edit ${FILE})`);
  if (!Array.isArray(exceptions)) {
    fail('exceptions', `${show(exceptions)} must be a list of exception requests`);
    return;
  }
  const templates = options.templates.map((t) => t.name);
  const seen = new Set<string>();
  exceptions.forEach((raw: unknown, i: number) => {
    const label =
      raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : `[${i}]`;
    const path = `exceptions.${label}`;
    if (!knownFields(raw, EXCEPTION_REQUEST.fields, path, ctx)) return;
    const e = raw as Partial<Record<keyof typeof EXCEPTION_REQUEST.fields, unknown>>;
    if (!valid(dnsLabel, e.name, `${path}.name`)) return;
    if (!valid(environments, e.environment, `${path}.environment`)) return;
    if (seen.has(`${e.environment}/${e.name}`))
      fail(`${path}.name`, `'${e.name}' is used twice in environment ${e.environment}; exception names must be unique per environment`);
    seen.add(`${e.environment}/${e.name}`);
    const env = envs.find((x) => x.name === e.environment);
    if (!env) return;
    if (e.org !== undefined && !valid(dnsLabel, e.org, `${path}.org`)) return;
    const orgSlug = (e.org as string | undefined) ?? env.org;
    const org = env.orgs.find((o) => o.slug === orgSlug);
    if (!org) {
      const slugs = env.orgs.map((o) => o.slug);
      fail(
        `${path}.org`,
        `'${orgSlug}' is not an org of environment ${env.name} (one of ${slugs.join(', ')})${didYouMean(orgSlug, slugs)}`,
      );
      return;
    }
    const profile = env.profiles.find((p) => p.name === org.profile);
    if (!profile) return; // reported with the org
    const policy = profile.exceptions;
    const known = options.policiesKnown(env.name, org.slug);
    const mode = options.policyMode(env.name, org.slug, e.template as string);
    if (!templates.includes(e.template as string)) {
      fail(
        `${path}.template`,
        `${show(e.template)} is not a known template${typeof e.template === 'string' ? didYouMean(e.template, templates) : ''}; templates are the folders policies/<pack>/<template>/`,
      );
    } else if (known && mode === undefined) {
      fail(
        `${path}.template`,
        org.platform
          ? `'${e.template}' is not rendered in ${env.name} (its rollout stage does not reach ${env.name}, or profile '${profile.name}' leaves it out), so the exception has nothing to bypass; remove it, or promote the template first`
          : `org '${org.slug}' has no policy of '${e.template}' in ${env.name} (no binding of it renders there), so the exception has nothing to bypass; remove it, or bind the template first`,
      );
    }

    const namespaces = listOf(fail, `${path}.namespaces`, e.namespaces);
    namespaces.forEach((ns, j) => {
      if (!valid(dnsLabel, ns, `${path}.namespaces[${j}]`)) return;
      if ((PROTECTED_NAMESPACES as readonly string[]).includes(ns))
        fail(
          `${path}.namespaces[${j}]`,
          `'${ns}' is a protected namespace: policies never run there, so no exception is needed; remove it`,
        );
      else if (!org.platform && !org.namespaceLabel && !org.namespaces.includes(ns))
        fail(
          `${path}.namespaces[${j}]`,
          `'${ns}' is not a namespace of org '${org.slug}' (${org.namespaces.join(', ')}); an org's exception covers only its own namespaces`,
        );
    });
    const names = listOf(fail, `${path}.names`, e.names);
    names.forEach((n, j) => {
      if (!isDnsSubdomain(n)) fail(`${path}.names[${j}]`, `${show(n)} is not a Kubernetes object name (lowercase DNS subdomain)`);
    });
    if (namespaces.length === 0 && names.length === 0) {
      fail(path, `covers every resource: list the namespaces and/or resource names (names) the exception is for`);
    }
    const conditions = listOf(fail, `${path}.conditions`, e.conditions);
    const conditionNames = new Set<string>();
    conditions.forEach((c, j) => {
      const cpath = `${path}.conditions[${j}]`;
      if (!knownFields(c, EXCEPTION_CONDITION.fields, cpath, ctx)) return;
      const { name, expression } = c as { name?: unknown; expression?: unknown };
      if (!isDnsLabel(name)) fail(`${cpath}.name`, `${show(name)} is not a condition name (a DNS label)`);
      else if ((Object.values(GENERATED_CONDITIONS) as string[]).includes(name) || conditionNames.has(name))
        fail(`${cpath}.name`, `'${name}' is already used in this exception; pick another name`);
      conditionNames.add(name as string);
      if (!valid(nonEmptyString, expression, `${cpath}.expression`)) return;
      try {
        assertCelResult(celEnvironment(), expression, ['bool']);
      } catch (err) {
        fail(`${cpath}.expression`, `${show(expression)} is not valid CEL: ${String((err as Error).message).split('\n')[0]}`);
        return;
      }
      const kind = controllerOnlyKind(expression);
      const template = options.templates.find((t) => t.name === e.template);
      if (kind && template && podControllersOf(template).length > 0) {
        fail(
          `${cpath}.expression`,
          `${show(expression)} matches only the ${kind}, never the Pods (or ReplicaSets/Jobs) it creates, which '${e.template}' checks too, so they would still fail (and be denied once it enforces); drop the condition (the names condition already covers what the named workload owns) or also match its Pods, e.g. "object.kind == '${kind}' || object.metadata.?ownerReferences.orValue([]).exists(r, r.?kind.orValue('') == '${kind}')"`,
        );
      }
    });

    if (typeof e.justification !== 'string' || e.justification.trim().length < policy.minJustification) {
      fail(
        `${path}.justification`,
        `${show(e.justification)} is too short: say why the bypass is needed (profile '${profile.name}' of org '${org.slug}' asks for at least ${policy.minJustification} characters)`,
      );
    }
    if (typeof e.ticket !== 'string' || !TICKET.test(e.ticket))
      fail(`${path}.ticket`, `${show(e.ticket)} is not a ticket key like PLAT-1234 or an https URL`);
    if (typeof e.approver !== 'string' || e.approver.trim() === '')
      fail(`${path}.approver`, `missing approver: name the platform engineer who approved this exception`);
    else {
      const problem = personaProblem(env, org, e.approver, policy.approvers);
      if (problem) fail(`${path}.approver`, `${problem}; profile '${profile.name}' lets ${policy.approvers.join('/')} approve`);
    }
    if (typeof e.requester !== 'string' || e.requester.trim() === '')
      fail(`${path}.requester`, `missing requester: name the person who asked for this exception`);
    else {
      const problem = personaProblem(env, org, e.requester, policy.requesters);
      if (problem) fail(`${path}.requester`, `${problem}; profile '${profile.name}' lets ${policy.requesters.join('/')} request`);
    }

    const requestedOk = isIsoDate(e.requested);
    if (!requestedOk)
      fail(
        `${path}.requested`,
        `${show(e.requested)} is not a date like 2026-11-22 (YYYY-MM-DD): write the date the exception was requested`,
      );
    if (e.expiresAt === undefined) {
      fail(`${path}.expiresAt`, `missing: every exception expires; write a date at most ${policy.maxDays} days after requested`);
    } else if (!isIsoDate(e.expiresAt)) {
      fail(`${path}.expiresAt`, `${show(e.expiresAt)} is not a date like 2026-12-22 (YYYY-MM-DD)`);
    } else if (requestedOk) {
      const days = daysBetween(e.requested as string, e.expiresAt);
      if (days <= 0) fail(`${path}.expiresAt`, `'${e.expiresAt}' is not after requested '${e.requested}'`);
      else if (days > policy.maxDays) {
        fail(
          `${path}.expiresAt`,
          `'${e.expiresAt}' is ${days} days after requested '${e.requested}'; profile '${profile.name}' of org '${org.slug}' allows at most ${policy.maxDays} in environment ${env.name} (profiles[].exceptions.maxDays); shorten it or renew it later with a new request`,
        );
      }
    }

    if (e.riskAcceptance !== undefined) valid(nonEmptyString, e.riskAcceptance, `${path}.riskAcceptance`);
    else if (mode === 'Enforce' && policy.riskAcceptanceForEnforce) {
      fail(
        `${path}.riskAcceptance`,
        `missing: '${e.template}' enforces in ${env.name} for org '${org.slug}', and profile '${profile.name}' requires the approver to record the accepted risk`,
      );
    }
  });
}

function listOf(fail: (p: string, m: string) => void, path: string, value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail(path, `${show(value)} must be a list`);
    return [];
  }
  return value;
}

/** A clock-dependent problem `check` reports. */
export interface ExceptionFinding {
  readonly environment: string;
  readonly name: string;
  readonly message: string;
}

/**
 * What `check` reports beyond static validation, given today's date: expired exceptions and
 * requests dated in the future.
 */
export function exceptionFindings(
  exceptions: readonly ExceptionRequest[],
  envs: readonly EnvironmentSettings[],
  today: string,
): ExceptionFinding[] {
  const findings: ExceptionFinding[] = [];
  for (const e of exceptions) {
    const env = envs.find((x) => x.name === e.environment);
    if (!env) continue;
    const add = (message: string): void => void findings.push({ environment: e.environment, name: e.name, message });
    if (e.expiresAt <= today) add(`expired on ${e.expiresAt} (today is ${today}): remove it from ${FILE}, or file a new request`);
    if (e.requested > today)
      add(`requested ${e.requested} is in the future (today is ${today}); the maximum duration counts from the request date`);
  }
  return findings;
}
