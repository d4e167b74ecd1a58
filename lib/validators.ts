import { Problems, show } from './errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Small checks shared by every typed-config validator; each reports path, value and the fix. */
export class Check {
  constructor(
    readonly problems: Problems,
    /** Appended to every message: where to change the value. */
    private readonly hint: string,
  ) {}

  private fail(path: string, message: string): false {
    this.problems.add(path, `${message} (${this.hint})`);
    return false;
  }

  oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): value is T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return true;
    return this.fail(path, `${show(value)} is not one of ${allowed.join('|')}`);
  }

  dnsLabel(path: string, value: unknown): value is string {
    if (typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value)) return true;
    return this.fail(path, `${show(value)} is not a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
  }

  nonEmptyString(path: string, value: unknown): value is string {
    if (typeof value === 'string' && value.trim() !== '') return true;
    return this.fail(path, `${show(value)} must be a non-empty string`);
  }

  url(path: string, value: unknown, schemes: readonly string[] = ['https:', 'http:', 'ssh:', 'git:']): value is string {
    if (typeof value === 'string') {
      // scp-like git remotes (git@host:org/repo.git) are what many Argo CD repos use.
      if (/^[\w.-]+@[\w.-]+:[\w./-]+$/.test(value)) return true;
      try {
        if (schemes.includes(new URL(value).protocol)) return true;
      } catch {
        /* reported below */
      }
    }
    return this.fail(path, `${show(value)} is not a URL (${schemes.join(' ')})`);
  }

  integer(path: string, value: unknown, min: number, max: number): value is number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return true;
    return this.fail(path, `${show(value)} must be a whole number from ${min} to ${max}`);
  }

  semver(path: string, value: unknown): value is string {
    if (typeof value === 'string' && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(value)) return true;
    return this.fail(path, `${show(value)} is not an exact version like 3.9.0 (ranges are not allowed: pin it)`);
  }

  labelMap(path: string, value: unknown): value is Record<string, string> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.fail(path, `${show(value)} must be a map of label keys to string values`);
    }
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k) || k.length > 316) {
        ok = this.fail(`${path}.${k}`, `${show(k)} is not a valid label key`);
      } else if (typeof v !== 'string' || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) || v.length > 63) {
        ok = this.fail(`${path}.${k}`, `${show(v)} is not a valid label value`);
      }
    }
    return ok;
  }

  /** Flags keys the type does not declare: a typo in plain data would otherwise be ignored silently. */
  knownKeys(path: string, value: unknown, keys: readonly string[]): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.fail(path, `${show(value)} must be an object`);
    }
    let ok = true;
    for (const k of Object.keys(value)) {
      if (!keys.includes(k)) ok = this.fail(`${path}.${k}`, `unknown field; expected one of ${keys.join('|')}`);
    }
    return ok;
  }
}
