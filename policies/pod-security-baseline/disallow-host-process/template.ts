import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-host-process',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow HostProcess containers',
  description:
    'Windows HostProcess containers get privileged access to the Windows node. spec.securityContext.windowsOptions.hostProcess and the same field of every container, init container and ephemeral container must be unset or false.',
  severity: 'high',
  remediation: 'Remove windowsOptions.hostProcess (or set it to false) from the Pod and from every container.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: 'object.spec.?securityContext.?windowsOptions.?hostProcess.orValue(false) == false',
        message: 'HostProcess Pods are not allowed: spec.securityContext.windowsOptions.hostProcess must be unset or false.',
      },
      everyContainer(
        'c.?securityContext.?windowsOptions.?hostProcess.orValue(false) == false',
        'HostProcess containers are not allowed: securityContext.windowsOptions.hostProcess must be unset or false.',
      ),
    ],
  }),
});
