import { ALL_CONTAINERS, everyContainer, LINUX_PODS, podTemplate } from '../../pod';

export default podTemplate({
  name: 'restrict-seccomp-strict',
  version: '1.0.0',
  pack: 'pod-security-restricted',
  title: 'Require a seccomp profile',
  description:
    'Seccomp must be explicitly set to RuntimeDefault or Localhost. spec.securityContext.seccompProfile.type must be one of those, or every container, init container and ephemeral container must set it; Unconfined is never allowed. Pods with spec.os.name windows are exempt.',
  severity: 'medium',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the Pod.',
  body: () => ({
    matchConditions: [LINUX_PODS],
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: "object.spec.?securityContext.?seccompProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost']",
        message: 'seccomp is required: spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost.',
      },
      everyContainer(
        "c.?securityContext.?seccompProfile.?type.orValue(object.spec.?securityContext.?seccompProfile.?type.orValue('')) in ['RuntimeDefault', 'Localhost']",
        'seccomp is required: set spec.securityContext.seccompProfile.type (or securityContext.seccompProfile.type on every container) to RuntimeDefault or Localhost.',
      ),
    ],
  }),
});
