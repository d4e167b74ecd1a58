import type { KrateSurface } from '../lib/kinds';
import type { LabelSelector } from '../lib/manifests';
import type { PolicyPackName } from './packs';

/** One admission rule a policy matches (Kubernetes `NamedRuleWithOperations`). */
export interface ResourceRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly operations: ReadonlyArray<'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*'>;
  /** Only objects with these names. @default every name */
  readonly resourceNames?: readonly string[];
  /** `Cluster`, `Namespaced` or `*`. @default '*' */
  readonly scope?: 'Cluster' | 'Namespaced' | '*';
}

/** A named CEL expression (variables and matchConditions share this shape upstream). */
export interface NamedExpression {
  readonly name: string;
  readonly expression: string;
}

/** One CEL validation: `expression` must be true; otherwise the message (or messageExpression) is reported. */
export interface Validation {
  readonly expression: string;
  readonly message: string;
  /**
   * CEL producing a more specific message (e.g. naming the offending containers).
   * @default none (the static message is used)
   */
  readonly messageExpression?: string;
  /**
   * The machine-readable reason returned with a denial (`Unauthorized`, `Forbidden`, `Invalid`, `RequestEntityTooLarge`).
   * @default none (Kubernetes reports Invalid)
   */
  readonly reason?: string;
}

/** An audit annotation Kyverno records on the admission request (upstream `auditAnnotations[]`). */
export interface AuditAnnotation {
  readonly key: string;
  /** CEL returning a string (the annotation's value) or null (no annotation). */
  readonly valueExpression: string;
}

/** A cosign keyless signer identity (upstream `Identity`): exact values or regular expressions. */
export interface KeylessIdentity {
  /** OIDC issuer of the signing certificate, e.g. 'https://token.actions.githubusercontent.com'. @default issuerRegExp */
  readonly issuer?: string;
  /** Regular expression for the issuer. @default issuer */
  readonly issuerRegExp?: string;
  /** Certificate subject (exact), e.g. a CI workflow ref. @default subjectRegExp */
  readonly subject?: string;
  /** Regular expression for the subject (unanchored upstream: anchor it with ^…$). @default subject */
  readonly subjectRegExp?: string;
}

/**
 * A trusted signer of images (upstream ImageValidatingPolicy `attestors[]`, cosign only): keyless
 * identities verified through Fulcio/Rekor, or a PEM public key. `name` is how validations refer
 * to it (`attestors.<name>`), so it must be a CEL identifier.
 */
export interface Attestor {
  readonly name: string;
  readonly cosign: { readonly keyless: { readonly identities: readonly KeylessIdentity[] } } | { readonly key: { readonly data: string } };
}

/** A parameter a template takes: its type, default and documentation. */
export interface ParameterSpec {
  readonly type: 'string[]' | 'int[]' | 'int' | 'attestors';
  readonly description: string;
  readonly default: string[] | number[] | number | readonly Attestor[];
  /**
   * The default is a placeholder that must be configured (in `ROLLOUT[template].parameters`)
   * before the template may render in Enforce: enforcing it would deny everything it matches.
   * @default false
   */
  readonly requiredBeforeEnforce?: boolean;
}

/** What an image-verification template verifies (rendered as an ImageValidatingPolicy). */
export interface ImageVerification {
  /** Named CEL lists of image references (`images.<name>` in validations): needed for kinds other than Pods. */
  readonly images: readonly NamedExpression[];
  /** Images the policy verifies (a glob or a CEL expression over `image`); other images are skipped. */
  readonly matchImageReferences: ReadonlyArray<{ readonly glob: string } | { readonly expression: string }>;
  /** Trusted signers (`attestors.<name>` in validations). */
  readonly attestors: readonly Attestor[];
}

/** The CEL a template renders, given its resolved parameters. */
export interface PolicyBody {
  /** Named CEL variables, evaluated before the validations and available as `variables.<name>`. @default [] */
  readonly variables?: readonly NamedExpression[];
  /** All must be true for the policy to apply to a resource. @default [] */
  readonly matchConditions?: readonly NamedExpression[];
  readonly validations: readonly Validation[];
  /** Audit annotations recorded with each evaluated request. @default [] */
  readonly auditAnnotations?: readonly AuditAnnotation[];
  /**
   * Signature verification: when set, the template renders as an `ImageValidatingPolicy` and its
   * validations may call Kyverno's image functions (`verifyImageSignatures`), which need the
   * registry, so `scan` reports `skip` for it (verified at admission only).
   * @default none (a ValidatingPolicy)
   */
  readonly imageVerification?: ImageVerification;
}

/** Values of a template's parameters after defaults are applied. */
export type ParameterValues = Readonly<Record<string, string[] | number[] | number | readonly Attestor[]>>;

export type { KrateSurface } from '../lib/kinds';

/** The pod controllers Kyverno auto-generates a Pod policy for (resource names, as `autogen.podControllers.controllers` lists them). */
export type PodController = 'deployments' | 'statefulsets' | 'daemonsets' | 'replicasets' | 'jobs' | 'cronjobs';

/** When Kyverno evaluates a policy (upstream `evaluation`). */
export interface Evaluation {
  /** Evaluate at admission. @default true */
  readonly admission?: boolean;
  /** Evaluate existing objects in Kyverno's background scans (policy reports). @default true */
  readonly background?: boolean;
}

/** The Kyverno policy kinds templates render to (`policies.kyverno.io/v1`). */
export type PolicyKind = 'ValidatingPolicy' | 'ImageValidatingPolicy';

/** A typed policy template: everything one `ValidatingPolicy` (or `ImageValidatingPolicy`) is rendered from. */
export interface PolicyTemplate {
  /**
   * The kind it renders to; `ImageValidatingPolicy` when its body declares `imageVerification`
   * (exceptions reference the policy by kind and name, so the two must agree).
   * @default 'ValidatingPolicy'
   */
  readonly kind?: PolicyKind;
  /** Template name; also the last segment of every generated policy name. */
  readonly name: string;
  /** Semantic version; rendered as `krate.a5c.ai/policy-template: name@version`. */
  readonly version: string;
  readonly pack: PolicyPackName;
  /** `policies.kyverno.io/title`. */
  readonly title: string;
  /** `policies.kyverno.io/description`: what is checked and why. */
  readonly description: string;
  /** `policies.kyverno.io/category`. */
  readonly category: string;
  /** `policies.kyverno.io/severity`. */
  readonly severity: 'low' | 'medium' | 'high';
  /** `policies.kyverno.io/subject`: the kinds this template reads, e.g. 'Pod' or 'PullRequest'. */
  readonly subject: string;
  /** The Krate surface governed. */
  readonly surface: KrateSurface;
  /** How to fix a failing resource. */
  readonly remediation: string;
  /**
   * The fields this template reads, as `Kind.path: meaning` lines (the field contract, also in the README).
   * @default [] (pod templates read the Pod Security Standards fields named in the description)
   */
  readonly fields?: readonly string[];
  /** Resources matched at admission and in background scans. */
  readonly resourceRules: readonly ResourceRule[];
  /** Resources left out although resourceRules match them (`matchConstraints.excludeResourceRules`). @default [] */
  readonly excludeResourceRules?: readonly ResourceRule[];
  /**
   * The template's own namespace selector. It never replaces the repository's exclusions: the
   * rendered `matchConstraints.namespaceSelector` requires both (a label selector is a conjunction,
   * so the two are joined: every matchLabels entry and every matchExpressions entry of each).
   * @default none (the exclusions alone)
   */
  readonly namespaceSelector?: LabelSelector;
  /** `matchConstraints.objectSelector`: only objects whose labels match. @default every object */
  readonly objectSelector?: LabelSelector;
  /** `matchConstraints.matchPolicy`: whether a rule also matches the same resource served at another version. @default Kyverno's (Equivalent) */
  readonly matchPolicy?: 'Exact' | 'Equivalent';
  /**
   * Whether the template is written for Pods and Kyverno auto-generates it for pod controllers
   * (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job → spec.template; CronJob → spec.jobTemplate.spec.template):
   * `true` for all of them, or the list of controllers (an empty list turns autogen off).
   * @default false
   */
  readonly podControllers?: boolean | readonly PodController[];
  /** When Kyverno evaluates it. @default admission and background scans */
  readonly evaluation?: Evaluation;
  /** `webhookConfiguration.timeoutSeconds` (1–30). @default Kyverno's (10) */
  readonly timeoutSeconds?: number;
  /** Parameters with their defaults. @default {} */
  readonly parameters?: Readonly<Record<string, ParameterSpec>>;
  /** The CEL, given the resolved parameter values. */
  readonly body: (params: ParameterValues) => PolicyBody;
}

/** Renders a string list as a CEL list literal (JSON string escapes are valid CEL escapes). */
export function celStrings(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** Renders an int list as a CEL list literal. */
export function celInts(values: readonly number[]): string {
  return `[${values.map((v) => String(Math.trunc(v))).join(', ')}]`;
}
