import { celStrings } from '../../template';
import { podTemplate } from '../../pod';

/** Volume sources the restricted profile allows (Pod Security Standards). */
export const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

export default podTemplate({
  name: 'restrict-volume-types',
  version: '1.0.0',
  pack: 'pod-security-restricted',
  title: 'Restrict volume types',
  description: `Only volume types that do not reach into the node are allowed. Every spec.volumes[*] must use one of ${RESTRICTED_VOLUME_TYPES.join(', ')}.`,
  severity: 'medium',
  remediation: 'Use a persistentVolumeClaim (or another allowed type) instead of the node-backed volume source.',
  body: () => ({
    variables: [{ name: 'allowedVolumeFields', expression: celStrings(['name', ...RESTRICTED_VOLUME_TYPES]) }],
    validations: [
      {
        expression: 'object.spec.?volumes.orValue([]).all(v, v.all(f, f in variables.allowedVolumeFields))',
        message: `Volume type not allowed: spec.volumes[*] may only use ${RESTRICTED_VOLUME_TYPES.join(', ')}.`,
        messageExpression: `'Volume type not allowed: spec.volumes[*] may only use ${RESTRICTED_VOLUME_TYPES.join(', ')}. Offending volumes: ' + object.spec.volumes.filter(v, !v.all(f, f in variables.allowedVolumeFields)).map(v, v.name).join(', ')`,
      },
    ],
  }),
});
