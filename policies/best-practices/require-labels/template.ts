import { celStrings, type ParameterValues } from '../../template';
import { podTemplate } from '../../pod';

export default podTemplate({
  name: 'require-labels',
  version: '1.0.0',
  pack: 'best-practices',
  title: 'Require labels',
  description:
    'Workloads must carry the labels that say who owns them and what they are. metadata.labels of every Pod (and of every pod template of a controller) must have each required key with a non-empty value.',
  severity: 'medium',
  remediation: 'Add the missing labels to the Pod (for controllers: spec.template.metadata.labels).',
  parameters: {
    labels: { type: 'string[]', description: 'Label keys every Pod must have.', default: ['team', 'app'] },
  },
  body: (p: ParameterValues) => ({
    variables: [
      { name: 'requiredLabels', expression: celStrings(p.labels as string[]) },
      { name: 'labels', expression: 'object.metadata.?labels.orValue({})' },
    ],
    validations: [
      {
        expression: "variables.requiredLabels.all(k, k in variables.labels && variables.labels[k] != '')",
        message: `Required labels are missing: metadata.labels must include ${(p.labels as string[]).join(', ')}.`,
        messageExpression:
          "'Required labels are missing: ' + variables.requiredLabels.filter(k, !(k in variables.labels) || variables.labels[k] == '').join(', ')",
      },
    ],
  }),
});
