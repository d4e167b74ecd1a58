import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../config/resolve';
import { exceptionMatchConditions } from '../config/exceptions';
import { PolicyException, type PolicyExceptionProps, type PolicyExceptionSpec } from '../imports/policies.kyverno.io';
import { AppChart } from './app-chart';

export interface PolicyExceptionsProps {
  /** The environment; its plan lists the exceptions and the policies each one references. */
  readonly env: ResolvedEnvironment;
  /**
   * Argo CD application name (and dist/ folder).
   * @default 'policy-exceptions'
   */
  readonly app?: string;
}

/** PolicyException props with spec.expiresAt as the RFC 3339 string to write. */
interface ExpiringPolicyExceptionProps extends Omit<PolicyExceptionProps, 'spec'> {
  readonly spec: Omit<PolicyExceptionSpec, 'expiresAt'> & { readonly expiresAt: string };
}

/**
 * A PolicyException whose spec.expiresAt is written exactly as given (`2026-12-22T00:00:00Z`). The
 * generated class types the field as a Date, which cdk8s cannot serialize ("can't render non-simple
 * object of type 'Date'"), and would write it as `toISOString()` (`…T00:00:00.000Z`: the same
 * instant, but every exception's bytes would change); so the string is added after the class has
 * written the rest.
 */
class ExpiringPolicyException extends PolicyException {
  private readonly expiresAt: string;

  constructor(scope: Construct, id: string, props: ExpiringPolicyExceptionProps) {
    const { expiresAt, ...spec } = props.spec;
    super(scope, id, { ...props, spec });
    this.expiresAt = expiresAt;
  }

  override toJson(): Record<string, unknown> {
    const json = super.toJson() as { spec: Record<string, unknown> };
    return { ...json, spec: { ...json.spec, expiresAt: this.expiresAt } };
  }
}

/**
 * The environment's approved exceptions as `policies.kyverno.io/v1` PolicyExceptions in the
 * exception namespace (the only one Kyverno honours), each referencing the generated policies of
 * its template.
 */
export class PolicyExceptions extends AppChart {
  constructor(scope: Construct, id: string, props: PolicyExceptionsProps) {
    super(scope, id, { env: props.env, app: props.app ?? 'policy-exceptions' });
    const { env } = props;
    for (const { request: e, policyRefs } of env.plan.exceptions) {
      const expires = `${e.expiresAt}T00:00:00Z`;
      new ExpiringPolicyException(this, e.name, {
        metadata: {
          name: e.name,
          namespace: env.kyverno.policyNamespace,
          labels: {
            'app.kubernetes.io/managed-by': 'krate-policy-gitops',
            'krate.a5c.ai/policy-template': e.template,
            // No cleanup.kyverno.io/ttl label: Kyverno would delete the object and Argo CD's
            // self-heal recreate it, in a loop. spec.expiresAt ends the exception instead.
          },
          annotations: {
            // The CRD comes from the Kyverno install (another app, an earlier wave).
            'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
            'krate.a5c.ai/requested': e.requested,
            'krate.a5c.ai/ticket': e.ticket,
            'krate.a5c.ai/approver': e.approver,
            'krate.a5c.ai/justification': e.justification,
            ...(e.riskAcceptance ? { 'krate.a5c.ai/risk-acceptance': e.riskAcceptance } : {}),
          },
        },
        spec: {
          policyRefs: policyRefs.map((r) => ({ ...r })),
          matchConditions: exceptionMatchConditions(e),
          // Kyverno stops honouring the exception at this instant; the object stays until it is
          // removed from git, and `krate-policy check` fails CI from this date until then.
          expiresAt: expires,
        },
      });
    }
  }
}
