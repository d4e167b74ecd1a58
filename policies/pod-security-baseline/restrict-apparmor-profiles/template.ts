import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

export default podTemplate({
  name: 'restrict-apparmor-profiles',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Restrict AppArmor profiles',
  description:
    'Overriding or disabling the default AppArmor profile must be disallowed. spec.securityContext.appArmorProfile.type and the same field of every container must be unset, RuntimeDefault or Localhost; container.apparmor.security.beta.kubernetes.io/* annotations must be runtime/default or localhost/*.',
  severity: 'medium',
  remediation: 'Use appArmorProfile.type RuntimeDefault (or a Localhost profile) instead of Unconfined.',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [
      {
        expression: "object.spec.?securityContext.?appArmorProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost']",
        message: 'AppArmor must not be disabled: spec.securityContext.appArmorProfile.type must be unset, RuntimeDefault or Localhost.',
      },
      everyContainer(
        "c.?securityContext.?appArmorProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost']",
        'AppArmor must not be disabled: securityContext.appArmorProfile.type must be unset, RuntimeDefault or Localhost.',
      ),
      {
        expression:
          "object.metadata.?annotations.orValue({}).all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || object.metadata.annotations[k] == 'runtime/default' || object.metadata.annotations[k].startsWith('localhost/'))",
        message:
          'AppArmor must not be disabled: container.apparmor.security.beta.kubernetes.io/* annotations must be runtime/default or localhost/<profile>.',
      },
    ],
  }),
});
