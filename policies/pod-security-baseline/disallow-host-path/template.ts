import { podTemplate } from '../../pod';

export default podTemplate({
  name: 'disallow-host-path',
  version: '1.0.0',
  pack: 'pod-security-baseline',
  title: 'Disallow hostPath volumes',
  description: "hostPath volumes give a Pod access to the node's filesystem. No spec.volumes[*] may set hostPath.",
  severity: 'high',
  remediation: 'Replace the hostPath volume with a persistentVolumeClaim, emptyDir, configMap or secret volume.',
  body: () => ({
    validations: [
      {
        expression: 'object.spec.?volumes.orValue([]).all(v, !has(v.hostPath))',
        message: 'hostPath volumes are not allowed: spec.volumes[*].hostPath must be unset.',
        messageExpression:
          "'hostPath volumes are not allowed: spec.volumes[*].hostPath must be unset. Offending volumes: ' + object.spec.volumes.filter(v, has(v.hostPath)).map(v, v.name).join(', ')",
      },
    ],
  }),
});
