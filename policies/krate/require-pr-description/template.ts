import type { ParameterValues } from '../../template';
import { krateTemplate } from '../../krate-resource';

export default krateTemplate({
  name: 'require-pr-description',
  version: '1.0.0',
  kinds: ['PullRequest'],
  title: 'Require a pull request description',
  description:
    'Reviewers need to know why a change is made. PullRequest.spec.description must contain at least minLength non-blank characters.',
  severity: 'low',
  surface: 'pr',
  remediation: 'Describe the change and why it is needed in the pull request description.',
  fields: ['PullRequest.spec.description (string): the pull request body, as written by its author'],
  parameters: { minLength: { type: 'int', description: 'Minimum description length after trimming whitespace.', default: 10 } },
  body: (p: ParameterValues) => ({
    validations: [
      {
        expression: `object.spec.?description.orValue('').trim().size() >= ${Math.trunc(p.minLength as number)}`,
        message: `A pull request needs a description: spec.description must have at least ${Math.trunc(p.minLength as number)} non-blank characters.`,
      },
    ],
  }),
});
