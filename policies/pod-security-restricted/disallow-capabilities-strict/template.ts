import { ALL_CONTAINERS, everyContainer, LINUX_PODS, podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-capabilities-strict',
  version: '1.0.0',
  pack: 'pod-security-restricted',
  title: 'Drop all capabilities',
  description:
    'Containers must drop ALL capabilities and may only add back NET_BIND_SERVICE. securityContext.capabilities.drop of every container, init container and ephemeral container must include ALL; capabilities.add may only contain NET_BIND_SERVICE. Pods with spec.os.name windows are exempt.',
  severity: 'medium',
  remediation:
    'Set securityContext.capabilities.drop: [ALL] on every container; add back only NET_BIND_SERVICE if the container binds a port below 1024.',
  body: () => ({
    matchConditions: [LINUX_PODS],
    variables: [ALL_CONTAINERS],
    validations: [
      everyContainer(
        "'ALL' in c.?securityContext.?capabilities.?drop.orValue([])",
        'Containers must drop ALL capabilities: securityContext.capabilities.drop must include ALL.',
      ),
      everyContainer(
        "sets.contains(['NET_BIND_SERVICE'], c.?securityContext.?capabilities.?add.orValue([]))",
        'Only NET_BIND_SERVICE may be added: securityContext.capabilities.add may only contain NET_BIND_SERVICE.',
      ),
    ],
  }),
});
