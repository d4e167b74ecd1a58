import { krateTemplate } from '../../krate-resource';
import type { Attestor, ParameterValues } from '../../template';

/**
 * The default signer: a keyless identity on the reserved `.invalid` domain, which no certificate
 * can carry. In Audit every production deployment therefore reports "not signed" until the real
 * signer is configured; Enforce is refused at synth until `parameters.attestors` is set
 * (`requiredBeforeEnforce`), so the placeholder can never deny deployments.
 */
export const PLACEHOLDER_ATTESTORS: readonly Attestor[] = [
  {
    name: 'krateRelease',
    cosign: {
      keyless: { identities: [{ issuer: 'https://issuer.configure-me.invalid', subject: 'release-signer@configure-me.invalid' }] },
    },
  },
];

export default krateTemplate({
  name: 'production-deployment-image-verified',
  // 2.0.0: an ImageValidatingPolicy verifying signatures; 1.x trusted a self-reported spec.imageVerification.
  version: '2.0.0',
  kind: 'ImageValidatingPolicy',
  kinds: ['Job'],
  title: 'Production deployments use verified, digest-pinned images',
  description:
    'A production deployment must deploy exactly an image that a trusted signer signed. For a Job labelled krate.a5c.ai/surface: deployment and krate.a5c.ai/environment: production, spec.image must be pinned by digest and Kyverno verifies its cosign signature against the configured attestors at admission (a field on the Job cannot vouch for itself).',
  severity: 'high',
  surface: 'deployment',
  remediation:
    'Deploy by digest (image@sha256:…) an image signed by the release signer configured in ROLLOUT[production-deployment-image-verified].parameters.attestors (cosign sign, keyless or with the key).',
  fields: [
    'Job.metadata.labels[krate.a5c.ai/surface] = deployment and [krate.a5c.ai/environment] = production select the job',
    'Job.spec.image (string): the image the deployment rolls out; pinned by digest and signed by a configured attestor (Kyverno checks the signature in the registry at admission)',
  ],
  parameters: {
    attestors: {
      type: 'attestors',
      description:
        'Who signs production images: cosign keyless identities ({ name, cosign: { keyless: { identities: [{ issuer, subject | subjectRegExp }] } } }) or a public key ({ name, cosign: { key: { data } } }); the default is a placeholder that must be replaced before enforce',
      default: PLACEHOLDER_ATTESTORS,
      requiredBeforeEnforce: true,
    },
  },
  body: (p: ParameterValues) => {
    const attestors = p.attestors as readonly Attestor[];
    return {
      matchConditions: [
        {
          name: 'production-deployment',
          expression:
            "object.metadata.?labels[?'krate.a5c.ai/surface'].orValue('') == 'deployment' && object.metadata.?labels[?'krate.a5c.ai/environment'].orValue('') == 'production'",
        },
      ],
      validations: [
        {
          expression: "images.deployment.size() > 0 && images.deployment.all(image, image.matches('@sha256:[0-9a-f]{64}$'))",
          message: 'Production deployments must pin the image by digest: spec.image must be set and end in @sha256:<digest>.',
        },
        {
          expression: `images.deployment.map(image, verifyImageSignatures(image, [${attestors.map((a) => `attestors.${a.name}`).join(', ')}])).all(e, e > 0)`,
          message: 'Production deployments must use a signed image: spec.image has no valid signature from a configured attestor.',
        },
      ],
      imageVerification: {
        // Krate Jobs are not Pods: tell Kyverno where the image is.
        images: [{ name: 'deployment', expression: 'object.spec.?image.hasValue() ? [object.spec.image] : []' }],
        // Every image: an image outside matchImageReferences would be skipped, i.e. deployed unverified.
        matchImageReferences: [{ glob: '*' }],
        attestors,
      },
    };
  },
});
