import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'require-run-as-nonroot',
  version: '1.0.0',
  pack: 'pod-security-restricted',
  title: 'Require runAsNonRoot',
  description:
    'Containers must be required to run as non-root users. spec.securityContext.runAsNonRoot must be true, or every container, init container and ephemeral container must set securityContext.runAsNonRoot: true; no container may set it to false, nor the Pod.',
  severity: 'medium',
  remediation: 'Set spec.securityContext.runAsNonRoot: true on the Pod, and remove runAsNonRoot: false from containers.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: 'object.spec.?securityContext.?runAsNonRoot.orValue(true) == true',
        message: 'Running as root is not allowed: spec.securityContext.runAsNonRoot must not be false.',
      },
      everyContainer(
        'c.?securityContext.?runAsNonRoot.orValue(object.spec.?securityContext.?runAsNonRoot.orValue(false)) == true',
        'Running as root is not allowed: set spec.securityContext.runAsNonRoot: true, or securityContext.runAsNonRoot: true on every container.',
      ),
    ],
  }),
});
