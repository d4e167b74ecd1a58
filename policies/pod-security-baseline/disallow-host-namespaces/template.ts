import { podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-host-namespaces',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow host namespaces',
  description:
    "Sharing the host's network, PID or IPC namespace removes the isolation between Pod and node. spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false.",
  severity: 'high',
  remediation: 'Remove hostNetwork, hostPID and hostIPC from the Pod spec (or set them to false).',
  body: () => ({
    validations: [
      {
        expression: 'object.spec.?hostNetwork.orValue(false) == false',
        message: 'Sharing the host network namespace is not allowed: spec.hostNetwork must be unset or false.',
      },
      {
        expression: 'object.spec.?hostPID.orValue(false) == false',
        message: 'Sharing the host PID namespace is not allowed: spec.hostPID must be unset or false.',
      },
      {
        expression: 'object.spec.?hostIPC.orValue(false) == false',
        message: 'Sharing the host IPC namespace is not allowed: spec.hostIPC must be unset or false.',
      },
    ],
  }),
});
