import { PACK_CATEGORIES } from '../../packs';
import { celStrings, type ParameterValues, type PolicyTemplate } from '../../template';

// Context-aware: lists the cluster's Ingresses with Kyverno's resource library. Admission only: in a
// background scan both Ingresses of a conflict would see each other and both be reported, blaming
// the one that was there first; at admission only the newcomer is.
const template: PolicyTemplate = {
  name: 'unique-ingress-host',
  version: '1.0.0',
  pack: 'best-practices',
  title: 'Ingress hosts are not served by another namespace',
  description:
    "An Ingress must not claim a host that an Ingress in another namespace already serves: the ingress controller would merge or shadow the two, and one team could take over another's traffic. The Ingresses of every namespace are listed with resource.List at admission (hosts compared exactly; a wildcard host only conflicts with the same wildcard). Ingresses in the same namespace may share a host (path-based routing). Hosts in sharedHosts may be served from several namespaces.",
  category: PACK_CATEGORIES['best-practices'],
  severity: 'high',
  subject: 'Ingress',
  surface: 'workload',
  remediation:
    'Use a host no other namespace serves, move the Ingress into the namespace that owns the host, or ask the platform team to list it in sharedHosts.',
  fields: [
    'Ingress.spec.rules[].host (string): the hosts the Ingress claims',
    'Ingress.metadata.namespace (read from the cluster for every Ingress): the namespace serving each host',
  ],
  resourceRules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['ingresses'], operations: ['CREATE', 'UPDATE'] }],
  evaluation: { background: false },
  parameters: {
    sharedHosts: {
      type: 'string[]',
      description: 'Hosts that Ingresses of several namespaces may serve (e.g. a shared gateway host routed by path).',
      default: [],
    },
  },
  body: (p: ParameterValues) => ({
    variables: [
      {
        name: 'hosts',
        expression: `object.spec.?rules.orValue([]).map(r, r.?host.orValue('')).filter(h, h != '' && !(h in ${celStrings(p.sharedHosts as string[])}))`,
      },
      {
        name: 'others',
        expression:
          "size(variables.hosts) == 0 ? [] : resource.List('networking.k8s.io/v1', 'ingresses', '').items.filter(i, i.metadata.namespace != object.metadata.namespace)",
      },
      {
        name: 'taken',
        expression: "variables.hosts.filter(h, variables.others.exists(i, i.spec.?rules.orValue([]).exists(r, r.?host.orValue('') == h)))",
      },
    ],
    validations: [
      {
        expression: 'size(variables.taken) == 0',
        message: 'An Ingress host must not already be served by another namespace.',
        messageExpression:
          "'An Ingress host must not already be served by another namespace: ' + variables.taken.join(', ') + ' is served by ' + variables.others.filter(i, i.spec.?rules.orValue([]).exists(r, r.?host.orValue('') in variables.taken)).map(i, string(i.metadata.namespace) + '/' + string(i.metadata.name)).join(', ') + '.'",
      },
    ],
  }),
};

export default template;
