import { celStrings, type ParameterValues } from '../../template';
import { krateTemplate } from '../../krate-resource';

export default krateTemplate({
  name: 'block-wip-pr-merge',
  version: '1.0.0',
  kinds: ['PullRequest'],
  title: 'Block merging work-in-progress pull requests',
  description:
    'A pull request marked as work in progress must not be merged. When PullRequest.spec.merge is requested, the pull request must not be a draft (spec.draft), its title must not start with a WIP prefix, and spec.labels must not contain a blocking label.',
  severity: 'medium',
  surface: 'pr',
  remediation: 'Finish the work: mark the pull request ready for review, drop the WIP prefix and blocking labels, then merge.',
  fields: [
    'PullRequest.spec.merge (bool): a merge has been requested',
    'PullRequest.spec.draft (bool): the pull request is a draft',
    'PullRequest.spec.title (string): the title',
    'PullRequest.spec.labels (list of string): labels on the pull request',
  ],
  parameters: {
    titlePrefixes: {
      type: 'string[]',
      description: 'Title prefixes (case-insensitive) that mark work in progress.',
      default: ['wip', '[wip]', 'draft:'],
    },
    blockingLabels: { type: 'string[]', description: 'Labels that block a merge.', default: ['wip', 'do-not-merge'] },
  },
  body: (p: ParameterValues) => ({
    matchConditions: [{ name: 'merge-requested', expression: 'object.spec.?merge.orValue(false) == true' }],
    variables: [
      { name: 'title', expression: "object.spec.?title.orValue('').lowerAscii()" },
      { name: 'titlePrefixes', expression: celStrings((p.titlePrefixes as string[]).map((s) => s.toLowerCase())) },
      { name: 'blockingLabels', expression: celStrings(p.blockingLabels as string[]) },
    ],
    validations: [
      { expression: 'object.spec.?draft.orValue(false) == false', message: 'A draft pull request cannot be merged: spec.draft is true.' },
      {
        expression: 'variables.titlePrefixes.all(w, !variables.title.startsWith(w))',
        message: 'A work-in-progress pull request cannot be merged: spec.title starts with a WIP prefix.',
      },
      {
        expression: 'object.spec.?labels.orValue([]).all(l, !(l in variables.blockingLabels))',
        message: 'A work-in-progress pull request cannot be merged: spec.labels contains a blocking label.',
        messageExpression:
          "'A work-in-progress pull request cannot be merged: spec.labels contains ' + object.spec.labels.filter(l, l in variables.blockingLabels).join(', ') + '.'",
      },
    ],
  }),
});
