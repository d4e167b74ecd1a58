import { krateTemplate } from '../../krate-resource';

export default krateTemplate({
  name: 'fork-runs-untrusted',
  version: '1.0.0',
  kinds: ['Pipeline', 'Job'],
  title: 'Runs from forks are untrusted',
  description:
    'Code from a fork must never run with trusted credentials. A Pipeline or Job with spec.fork: true must have spec.trustTier: untrusted, and its krate.a5c.ai/trust-tier label, when set, must agree.',
  severity: 'high',
  surface: 'run',
  remediation: 'Run fork pipelines and jobs in the untrusted tier (spec.trustTier: untrusted).',
  fields: [
    'Pipeline/Job.spec.fork (bool): the run was triggered from a fork',
    'Pipeline/Job.spec.trustTier (trusted|untrusted): the credentials tier the run gets',
    'Pipeline/Job.metadata.labels[krate.a5c.ai/trust-tier]: the same tier as a label',
  ],
  body: () => ({
    matchConditions: [{ name: 'from-fork', expression: 'object.spec.?fork.orValue(false) == true' }],
    validations: [
      {
        expression: "object.spec.?trustTier.orValue('') == 'untrusted'",
        message: 'Runs from forks must be untrusted: spec.trustTier must be untrusted when spec.fork is true.',
      },
      {
        expression: "object.metadata.?labels[?'krate.a5c.ai/trust-tier'].orValue('untrusted') == 'untrusted'",
        message: 'Runs from forks must be untrusted: the krate.a5c.ai/trust-tier label must be untrusted when spec.fork is true.',
      },
    ],
  }),
});
