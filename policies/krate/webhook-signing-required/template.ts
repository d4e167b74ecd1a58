import type { ParameterValues } from '../../template';
import { krateTemplate } from '../../krate-resource';

export default krateTemplate({
  name: 'webhook-signing-required',
  version: '1.0.0',
  kinds: ['WebhookSubscription'],
  title: 'Webhook deliveries must be signed',
  description:
    'Receivers can only trust a delivery they can verify, and retries must stay bounded. WebhookSubscription.spec.signingSecretRef.name must be set, spec.url must use https, and spec.retryPolicy.maxAttempts, when set, must be between 1 and maxAttempts.',
  severity: 'high',
  surface: 'hook',
  remediation:
    'Reference a signing Secret in spec.signingSecretRef, use an https:// URL, and keep retryPolicy.maxAttempts within the limit.',
  fields: [
    'WebhookSubscription.spec.url (string): where deliveries are sent',
    'WebhookSubscription.spec.signingSecretRef.name (string): the Secret whose key signs each delivery',
    'WebhookSubscription.spec.retryPolicy.maxAttempts (int): delivery attempts before giving up',
  ],
  parameters: { maxAttempts: { type: 'int', description: 'Upper bound for retryPolicy.maxAttempts.', default: 10 } },
  body: (p: ParameterValues) => ({
    validations: [
      {
        expression: "object.spec.?signingSecretRef.?name.orValue('') != ''",
        message: 'Webhook deliveries must be signed: spec.signingSecretRef.name must name a Secret.',
      },
      {
        expression: "object.spec.?url.orValue('').startsWith('https://')",
        message: 'Webhook deliveries must use TLS: spec.url must start with https://.',
      },
      {
        expression: `!has(object.spec.retryPolicy) || !has(object.spec.retryPolicy.maxAttempts) || (object.spec.retryPolicy.maxAttempts >= 1 && object.spec.retryPolicy.maxAttempts <= ${Math.trunc(p.maxAttempts as number)})`,
        message: `Webhook retries must be bounded: spec.retryPolicy.maxAttempts must be between 1 and ${Math.trunc(p.maxAttempts as number)}.`,
      },
    ],
  }),
});
