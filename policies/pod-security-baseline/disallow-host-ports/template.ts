import { celInts, type ParameterValues } from '../../template';
import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-host-ports',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow host ports',
  description:
    "Host ports bind a container to the node's network interface and bypass network policy. ports[*].hostPort of every container, init container and ephemeral container must be unset, 0, or in the allowed list.",
  severity: 'medium',
  remediation: 'Remove hostPort from the container port and expose it through a Service instead.',
  parameters: {
    allowedHostPorts: {
      type: 'int[]',
      description: 'Host ports that are allowed (the Pod Security Standards\' "known list").',
      default: [],
    },
  },
  body: (p: ParameterValues) => ({
    variables: [ALL_CONTAINERS, { name: 'allowedHostPorts', expression: celInts(p.allowedHostPorts as number[]) }],
    validations: [
      everyContainer(
        'c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0 || p.hostPort in variables.allowedHostPorts)',
        'Host ports are not allowed: ports[*].hostPort must be unset or 0.',
      ),
    ],
  }),
});
