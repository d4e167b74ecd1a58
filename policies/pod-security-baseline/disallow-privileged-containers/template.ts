import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-privileged-containers',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow privileged containers',
  description:
    'Privileged containers disable most security mechanisms. securityContext.privileged of every container, init container and ephemeral container must be unset or false.',
  severity: 'high',
  remediation: 'Remove securityContext.privileged from the container (or set it to false); grant only the specific capability needed.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      everyContainer(
        'c.?securityContext.?privileged.orValue(false) == false',
        'Privileged containers are not allowed: securityContext.privileged must be unset or false.',
      ),
    ],
  }),
});
