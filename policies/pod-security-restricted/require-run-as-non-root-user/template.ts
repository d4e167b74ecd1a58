import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'require-run-as-non-root-user',
  version: '1.0.0',
  pack: 'pod-security-restricted',
  title: 'Require a non-root user ID',
  description:
    'Containers must not set runAsUser to 0. spec.securityContext.runAsUser and securityContext.runAsUser of every container, init container and ephemeral container must be unset or non-zero.',
  severity: 'medium',
  remediation: 'Set runAsUser to a non-zero UID (or remove it and set runAsNonRoot: true).',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: 'object.spec.?securityContext.?runAsUser.orValue(1) != 0',
        message: 'Running as root is not allowed: spec.securityContext.runAsUser must not be 0.',
      },
      everyContainer(
        'c.?securityContext.?runAsUser.orValue(1) != 0',
        'Running as root is not allowed: securityContext.runAsUser must not be 0.',
      ),
    ],
  }),
});
