import { celStrings } from '../../template';
import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

/** The capabilities the baseline profile allows a container to add (Pod Security Standards). */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

export default podTemplate({
  name: 'disallow-capabilities',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow adding capabilities beyond the default set',
  description: `Adding Linux capabilities beyond the container runtime's default set must be disallowed. securityContext.capabilities.add of every container, init container and ephemeral container may only contain ${BASELINE_CAPABILITIES.join(', ')}.`,
  severity: 'medium',
  remediation: 'Remove the extra capability from securityContext.capabilities.add.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      everyContainer(
        `sets.contains(${celStrings(BASELINE_CAPABILITIES)}, c.?securityContext.?capabilities.?add.orValue([]))`,
        `Adding capabilities beyond the baseline set is not allowed: securityContext.capabilities.add may only contain ${BASELINE_CAPABILITIES.join(', ')}.`,
      ),
    ],
  }),
});
