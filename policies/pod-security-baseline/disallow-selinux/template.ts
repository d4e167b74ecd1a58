import { celStrings } from '../../template';
import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

/** SELinux types the baseline profile allows (Pod Security Standards; container_engine_t since 1.31). */
export const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

const ok = (opts: string) =>
  `${opts}.?type.orValue('') in ${celStrings(SELINUX_TYPES)} && ${opts}.?user.orValue('') == '' && ${opts}.?role.orValue('') == ''`;

export default podTemplate({
  name: 'disallow-selinux',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow custom SELinux options',
  description: `Setting a custom SELinux user or role, or a type outside ${SELINUX_TYPES.filter(Boolean).join(', ')}, must be disallowed, on spec.securityContext.seLinuxOptions and on every container's securityContext.seLinuxOptions.`,
  severity: 'medium',
  remediation: 'Remove seLinuxOptions.user and seLinuxOptions.role, and use one of the allowed types or none.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: ok('object.spec.?securityContext.?seLinuxOptions'),
        message: `Custom SELinux options are not allowed: spec.securityContext.seLinuxOptions.type must be one of ${SELINUX_TYPES.filter(Boolean).join(', ')} (or unset); user and role must be unset.`,
      },
      everyContainer(
        ok('c.?securityContext.?seLinuxOptions'),
        `Custom SELinux options are not allowed: securityContext.seLinuxOptions.type must be one of ${SELINUX_TYPES.filter(Boolean).join(', ')} (or unset); user and role must be unset.`,
      ),
    ],
  }),
});
