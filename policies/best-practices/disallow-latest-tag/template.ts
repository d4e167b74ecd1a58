import { ALL_CONTAINERS, everyContainer, podTemplate } from '../../pod';

/** Pinned: a digest, or a tag (after the last '/') other than latest. */
const PINNED = "c.image.matches('@sha256:[0-9a-f]{64}$') || (c.image.matches(':[^/:@]+$') && !c.image.endsWith(':latest'))";

export default podTemplate({
  name: 'disallow-latest-tag',
  version: '1.0.0',
  pack: 'best-practices',
  title: 'Disallow the latest tag',
  description:
    'A mutable or missing tag makes a rollout unrepeatable. The image of every container, init container and ephemeral container must name a tag other than latest, or a digest.',
  severity: 'medium',
  remediation: 'Pin the image to a version tag (app:1.4.2) or a digest (app@sha256:…).',
  body: () => ({
    variables: [ALL_CONTAINERS],
    validations: [everyContainer(PINNED, "Images must be pinned: use a tag other than 'latest', or a digest.")],
  }),
});
