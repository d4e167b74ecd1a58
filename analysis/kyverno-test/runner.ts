// Runs Kyverno CLI test suites and compares every expected result, counting the way `kyverno
// test` does for CEL policies (cmd/cli/kubectl-kyverno/commands/test/output.go): results are
// looked up by policy name (the last segment of `namespace/name`) and resource name
// (`namespace/name` or `name`); a CEL policy's `rule` is not compared; a response without rules
// (the resource is outside the policy's constraints) counts as passed ("excluded"); no response at
// all fails ("not found"). Unlike `kyverno test`, each listed resource counts once, a resource
// listed but absent fails, and `kind` picks among resources that share a name.
import type { CelEngine } from './cel';
import { ConfigError } from '../../lib/errors';
import { createKyvernoCelEngine } from './cel-env';
import {
  buildRequest,
  compilePolicies,
  evaluate,
  libraries,
  prepareResource,
  type CompiledPolicy,
  type Libraries,
  type PolicyError,
  type PolicyResponse,
  type PreparedResource,
} from './engine';
import { findTestFiles, loadSuites, type ExpectedResult, type Operation, type Suite } from './suite';

/** One expected result for one resource, compared. */
export interface ResultRow {
  readonly policy: string;
  readonly rule?: string;
  /** `Kind/namespace/name` (or `Kind/name` for cluster-scoped resources, or the name as listed when absent). */
  readonly resource: string;
  readonly expected: string;
  /** The result the engine produced: pass|fail|skip|error, `excluded`, `no result`, `not found` or `unsupported`. */
  readonly actual: string;
  readonly passed: boolean;
  readonly message: string;
}

export interface SuiteReport {
  readonly file: string;
  readonly name: string;
  readonly rows: readonly ResultRow[];
  readonly passed: number;
  readonly failed: number;
  readonly notes: readonly string[];
}

export interface TestReport {
  readonly suites: readonly SuiteReport[];
  readonly passed: number;
  readonly failed: number;
}

const display = (r: PreparedResource) => {
  const m = r.manifest;
  return m.metadata.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
};

/** Evaluates one suite: each resource once per operation the results ask for. */
class SuiteRun {
  private readonly resources: PreparedResource[];
  private readonly policies: CompiledPolicy[];
  private readonly errors: PolicyError[];
  private readonly responses = new Map<string, PolicyResponse[]>();
  private readonly libs = new Map<string, Libraries>();

  constructor(
    private readonly suite: Suite,
    engine: CelEngine,
  ) {
    this.resources = suite.resources.map((r) => prepareResource(r.manifest));
    ({ policies: this.policies, errors: this.errors } = compilePolicies(suite.policies, suite.exceptions, engine));
  }

  private lib = (namespace: string): Libraries => {
    let l = this.libs.get(namespace);
    if (!l) this.libs.set(namespace, (l = libraries(this.suite.snapshot, namespace)));
    return l;
  };

  private responsesFor(index: number, operation: Operation): PolicyResponse[] {
    const key = `${operation}\0${index}`;
    let out = this.responses.get(key);
    if (!out) {
      const req = buildRequest(this.resources[index], operation, this.suite.kinds, this.suite.namespaces, this.suite.userInfo);
      this.responses.set(key, (out = evaluate(this.policies, req, this.lib)));
    }
    return out;
  }

  /** Indexes of the resources an expected result names: by name (and namespace), preferring the result's kind. */
  private targets(r: ExpectedResult): Array<{ readonly label: string; readonly indexes: number[] }> {
    const byName = (entry: string) => {
      const slash = entry.indexOf('/');
      const [ns, name] = slash < 0 ? [undefined, entry] : [entry.slice(0, slash), entry.slice(slash + 1)];
      const all = this.resources.flatMap((res, i) =>
        res.manifest.metadata.name === name && (ns === undefined || (res.manifest.metadata.namespace ?? '') === ns) ? [i] : [],
      );
      const ofKind = r.kind ? all.filter((i) => this.resources[i].manifest.kind === r.kind) : [];
      return ofKind.length > 0 ? ofKind : all;
    };
    const out = r.resources.map((entry) => ({ label: entry, indexes: byName(entry) }));
    for (const s of r.resourceSpecs) {
      const indexes = this.resources.flatMap((res, i) => {
        const m = res.manifest;
        const av = s.group ? `${s.group}/${s.version ?? ''}` : (s.version ?? '');
        return m.apiVersion === av &&
          (m.metadata.namespace ?? '') === (s.namespace ?? '') &&
          m.metadata.name === s.name &&
          (!s.kind || m.kind === s.kind)
          ? [i]
          : [];
      });
      out.push({ label: `${s.kind ?? ''}/${s.namespace ? `${s.namespace}/` : ''}${s.name ?? ''}`, indexes });
    }
    if (out.length === 0) return this.resources.map((res, i) => ({ label: display(res), indexes: [i] }));
    return out;
  }

  compare(r: ExpectedResult): ResultRow[] {
    const policy = r.policy.slice(r.policy.lastIndexOf('/') + 1);
    const base = { policy: r.policy, ...(r.rule ? { rule: r.rule } : {}), expected: r.result };
    const unsupported = this.suite.unsupported.find((u) => u.name === policy);
    const compileError = this.errors.find((e) => e.name === policy);
    const known = this.policies.some((p) => p.name === policy);
    return this.targets(r).map(({ label, indexes }): ResultRow => {
      const fail = (actual: string, message: string, resource = label): ResultRow => ({
        ...base,
        resource,
        actual,
        passed: false,
        message,
      });
      if (!known) {
        if (unsupported) return fail('unsupported', `${unsupported.kind} ${unsupported.name}: ${unsupported.short} (see the suite's note)`);
        if (compileError) return fail('error', compileError.message);
        return fail('not found', `no policy named ${policy} in the suite's policies (${this.policyNames()})`);
      }
      if (indexes.length === 0)
        return fail('not found', `no resource named ${label}${r.kind ? ` (kind ${r.kind})` : ''} in the suite's resources`);
      let row: ResultRow | undefined;
      for (const i of indexes) {
        const resource = display(this.resources[i]);
        const responses = this.responsesFor(i, r.operation ?? this.suite.operation).filter((x) => x.policy === policy);
        if (responses.length === 0)
          return fail(
            'no result',
            `${policy} does not apply to ${resource} (its matchConstraints do not select it${r.operation ? ` on ${r.operation}` : ''})`,
            resource,
          );
        const rules = responses.flatMap((x) => x.rules.map((rule) => ({ rule, variant: x.variant })));
        if (rules.length === 0) {
          row ??= {
            ...base,
            resource,
            actual: 'excluded',
            passed: true,
            message: "excluded by the policy's match constraints (counted as passed, as kyverno test does)",
          };
          continue;
        }
        const wrong = rules.find((x) => x.rule.status !== r.result);
        if (wrong) return fail(wrong.rule.status, wrong.rule.message, resource);
        row = { ...base, resource, actual: r.result, passed: true, message: rules[0].rule.message };
      }
      return row!;
    });
  }

  private policyNames(): string {
    const names = [...this.policies.map((p) => p.name), ...this.errors.map((e) => e.name), ...this.suite.unsupported.map((u) => u.name)];
    return names.length ? names.join(', ') : 'none';
  }
}

/** Runs already-loaded suites. */
export function runSuites(suites: readonly Suite[], engine: CelEngine = createKyvernoCelEngine()): TestReport {
  const reports: SuiteReport[] = [];
  for (const suite of suites) {
    let rows: ResultRow[];
    try {
      const run = new SuiteRun(suite, engine);
      rows = suite.results.flatMap((r) => run.compare(r));
    } catch (e) {
      // An input the engine did not foresee fails the suite's results with the reason, not the run.
      const message = `krate-policy test could not evaluate this suite: ${(e as Error).message}`;
      rows = suite.results.map((r) => ({
        policy: r.policy,
        resource: r.resources.join(', '),
        expected: r.result,
        actual: 'error',
        passed: false,
        message,
      }));
    }
    const passed = rows.filter((x) => x.passed).length;
    const notes = [...suite.notes, ...suite.unsupported.map((u) => `${u.file}: ${u.kind} ${u.name}: unsupported: ${u.reason}`)];
    reports.push({ file: suite.file, name: suite.name, rows, passed, failed: rows.length - passed, notes });
  }
  return { suites: reports, passed: reports.reduce((n, s) => n + s.passed, 0), failed: reports.reduce((n, s) => n + s.failed, 0) };
}

/**
 * Finds every kyverno-test.yaml below the paths, loads them all (any input problem is one
 * ConfigError listing every problem) and runs them.
 */
export function runTests(paths: readonly string[], engine?: CelEngine): TestReport {
  const files = findTestFiles(paths);
  const suites: Suite[] = [];
  const problems: string[] = [];
  for (const f of files) {
    try {
      suites.push(...loadSuites(f));
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return runSuites(suites, engine);
}
