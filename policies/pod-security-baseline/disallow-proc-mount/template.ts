import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-proc-mount',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow unmasked /proc mounts',
  description:
    'The default /proc masks reduce the attack surface. securityContext.procMount of every container, init container and ephemeral container must be unset or Default.',
  severity: 'medium',
  remediation: 'Remove securityContext.procMount (or set it to Default).',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      everyContainer(
        "c.?securityContext.?procMount.orValue('Default') == 'Default'",
        'Unmasked /proc mounts are not allowed: securityContext.procMount must be unset or Default.',
      ),
    ],
  }),
});
