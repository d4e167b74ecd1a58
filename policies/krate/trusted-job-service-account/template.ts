import { celStrings, type ParameterValues } from '../../template';
import { krateTemplate } from '../../krate-resource';

export default krateTemplate({
  name: 'trusted-job-service-account',
  version: '1.0.0',
  kinds: ['Job'],
  title: 'Trusted service accounts only for trusted jobs',
  description:
    'Trusted service accounts carry deploy credentials. A Job with spec.trustTier: trusted must run as one of the trusted service accounts, and a Job in any other tier must not use one.',
  severity: 'high',
  surface: 'run',
  remediation: 'Use a trusted service account only for trusted jobs; untrusted jobs run as the default runner account.',
  fields: [
    'Job.spec.trustTier (trusted|untrusted): the credentials tier',
    'Job.spec.serviceAccountName (string): the service account the job runs as',
  ],
  parameters: {
    serviceAccounts: { type: 'string[]', description: 'Service accounts reserved for trusted jobs.', default: ['krate-trusted-runner'] },
  },
  body: (p: ParameterValues) => ({
    variables: [
      { name: 'trusted', expression: "object.spec.?trustTier.orValue('') == 'trusted'" },
      { name: 'serviceAccount', expression: "object.spec.?serviceAccountName.orValue('')" },
      { name: 'trustedAccounts', expression: celStrings(p.serviceAccounts as string[]) },
    ],
    validations: [
      {
        expression: '!variables.trusted || variables.serviceAccount in variables.trustedAccounts',
        message: `A trusted job must run as a trusted service account: spec.serviceAccountName must be one of ${(p.serviceAccounts as string[]).join(', ')}.`,
      },
      {
        expression: 'variables.trusted || !(variables.serviceAccount in variables.trustedAccounts)',
        message: 'Only trusted jobs may use a trusted service account: spec.serviceAccountName is reserved for spec.trustTier: trusted.',
      },
    ],
  }),
});
