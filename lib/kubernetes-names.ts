// The shapes Kubernetes gives names, label keys and label values (apimachinery's validation), in
// one place for config validation and the CEL libraries.

/** RFC 1123 label: namespaces, most object names of this repository (at most 63 characters). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: object names (at most 253 characters). */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** A label key: an optional DNS subdomain prefix and '/', then a name part (at most 63). */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A label value (may be empty; at most 63 characters). */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const isDnsLabel = (v: unknown): v is string => typeof v === 'string' && v.length <= 63 && DNS_LABEL.test(v);
export const isDnsSubdomain = (v: unknown): v is string => typeof v === 'string' && v.length <= 253 && DNS_SUBDOMAIN.test(v);
