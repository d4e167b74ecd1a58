import { krateTemplate } from '../krate-resource';

export const productionDeploymentImageVerified = krateTemplate({
  name: 'production-deployment-image-verified',
  version: '1.0.0',
  kinds: ['Job'],
  title: 'Production deployments use verified, digest-pinned images',
  description:
    "A production deployment must deploy exactly the image that was verified. A Job labelled krate.a5c.ai/surface: deployment and krate.a5c.ai/environment: production must pin spec.image by digest and carry spec.imageVerification.verified: true for that same digest (set by Krate's verification step).",
  severity: 'high',
  surface: 'deployment',
  remediation: 'Deploy by digest (image@sha256:…) and let the verification step record spec.imageVerification for that digest before deploying.',
  fields: [
    'Job.metadata.labels[krate.a5c.ai/surface] = deployment and [krate.a5c.ai/environment] = production select the job',
    'Job.spec.image (string): the image the deployment rolls out',
    'Job.spec.imageVerification.verified (bool) and .digest (string): the result of signature verification',
  ],
  body: () => ({
    matchConditions: [
      {
        name: 'production-deployment',
        expression: "object.metadata.?labels[?'krate.a5c.ai/surface'].orValue('') == 'deployment' && object.metadata.?labels[?'krate.a5c.ai/environment'].orValue('') == 'production'",
      },
    ],
    variables: [{ name: 'image', expression: "object.spec.?image.orValue('')" }],
    validations: [
      { expression: "variables.image.matches('@sha256:[0-9a-f]{64}$')", message: 'Production deployments must pin the image by digest: spec.image must end in @sha256:<digest>.' },
      {
        expression: "object.spec.?imageVerification.?verified.orValue(false) == true && variables.image.endsWith('@' + object.spec.?imageVerification.?digest.orValue('-'))",
        message: 'Production deployments must use a verified image: spec.imageVerification must record verified: true for the digest in spec.image.',
      },
    ],
  }),
});
