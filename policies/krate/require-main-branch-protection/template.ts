import type { ParameterValues } from '../../template';
import { krateTemplate } from '../../krate-resource';

export default krateTemplate({
  name: 'require-main-branch-protection',
  version: '1.0.0',
  kinds: ['Repository', 'BranchProtection'],
  title: 'Require protection of the default branch',
  description:
    "A repository's default branch must be protected, and its protection must require reviews and forbid force pushes. Repository.spec.protectedBranches must include spec.defaultBranch (main when unset); a BranchProtection for that branch must require at least minApprovals approvals and must not allow force pushes.",
  severity: 'high',
  surface: 'repo',
  remediation:
    'Add the default branch to spec.protectedBranches and give its BranchProtection requiredApprovals ≥ 1 and allowForcePush: false.',
  fields: [
    'Repository.spec.defaultBranch (string, default main): the default branch',
    'Repository.spec.protectedBranches (list of string): branches that have a BranchProtection',
    'BranchProtection.spec.branch (string): the protected branch',
    'BranchProtection.spec.requiredApprovals (int): approvals needed to merge',
    'BranchProtection.spec.allowForcePush (bool): force pushes allowed',
  ],
  parameters: {
    minApprovals: { type: 'int', description: 'Approvals the default branch protection must require.', default: 1 },
    branches: {
      type: 'string[]',
      description: 'Branch names BranchProtection objects are held to (the usual default branches).',
      default: ['main'],
    },
  },
  body: (p: ParameterValues) => ({
    variables: [{ name: 'isRepository', expression: "object.kind == 'Repository'" }],
    validations: [
      {
        expression: "!variables.isRepository || object.spec.?defaultBranch.orValue('main') in object.spec.?protectedBranches.orValue([])",
        message: 'The default branch must be protected: Repository.spec.protectedBranches must include spec.defaultBranch.',
      },
      {
        expression: `variables.isRepository || !(object.spec.?branch.orValue('') in ${JSON.stringify(p.branches)}) || object.spec.?requiredApprovals.orValue(0) >= ${Math.trunc(p.minApprovals as number)}`,
        message: `Default branch protection must require reviews: BranchProtection.spec.requiredApprovals must be at least ${Math.trunc(p.minApprovals as number)}.`,
      },
      {
        expression: `variables.isRepository || !(object.spec.?branch.orValue('') in ${JSON.stringify(p.branches)}) || object.spec.?allowForcePush.orValue(false) == false`,
        message: 'Default branch protection must forbid force pushes: BranchProtection.spec.allowForcePush must be false.',
      },
    ],
  }),
});
