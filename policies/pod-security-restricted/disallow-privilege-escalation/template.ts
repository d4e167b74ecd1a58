import { ALL_CONTAINERS, everyContainer, LINUX_PODS, podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-privilege-escalation',
  version: '1.0.0',
  pack: 'pod-security-restricted',
  title: 'Disallow privilege escalation',
  description:
    'Privilege escalation (e.g. through set-user-ID binaries) must not be allowed. securityContext.allowPrivilegeEscalation of every container, init container and ephemeral container must be set to false. Pods with spec.os.name windows are exempt.',
  severity: 'medium',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  body: () => ({
    matchConditions: [LINUX_PODS],
    variables: [ALL_CONTAINERS],
    validations: [
      everyContainer(
        'c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false',
        'Privilege escalation is not allowed: securityContext.allowPrivilegeEscalation must be set to false.',
      ),
    ],
  }),
});
