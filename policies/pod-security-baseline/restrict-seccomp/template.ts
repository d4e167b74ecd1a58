import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'restrict-seccomp',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Restrict seccomp profiles',
  description:
    'The seccomp profile must not be explicitly set to Unconfined. spec.securityContext.seccompProfile.type and the same field of every container must be unset, RuntimeDefault or Localhost.',
  severity: 'medium',
  remediation: 'Use seccompProfile.type RuntimeDefault (or Localhost) instead of Unconfined.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: "object.spec.?securityContext.?seccompProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost']",
        message: 'seccomp must not be disabled: spec.securityContext.seccompProfile.type must be unset, RuntimeDefault or Localhost.',
      },
      everyContainer(
        "c.?securityContext.?seccompProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost']",
        'seccomp must not be disabled: securityContext.seccompProfile.type must be unset, RuntimeDefault or Localhost.',
      ),
    ],
  }),
});
