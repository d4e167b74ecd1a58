import { celStrings } from '../../template';
import { podTemplate } from '../../pod';

/** The "safe" sysctls the baseline profile allows (Pod Security Standards, up to Kubernetes 1.29+). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

export default podTemplate({
  name: 'restrict-sysctls',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Restrict sysctls',
  description: `Sysctls can disable security mechanisms or affect every workload on the node. spec.securityContext.sysctls[*].name may only be one of the safe set: ${SAFE_SYSCTLS.join(', ')}.`,
  severity: 'medium',
  remediation: 'Remove the unsafe sysctl from spec.securityContext.sysctls.',
  body: () => ({
    validations: [
      {
        expression: `object.spec.?securityContext.?sysctls.orValue([]).all(s, s.name in ${celStrings(SAFE_SYSCTLS)})`,
        message: `Unsafe sysctls are not allowed: spec.securityContext.sysctls[*].name must be one of ${SAFE_SYSCTLS.join(', ')}.`,
        messageExpression: `'Unsafe sysctls are not allowed: ' + object.spec.securityContext.sysctls.filter(s, !(s.name in ${celStrings(SAFE_SYSCTLS)})).map(s, s.name).join(', ') + ' is not in the safe set.'`,
      },
    ],
  }),
});
