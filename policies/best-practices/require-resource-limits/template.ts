import { celStrings, type ParameterValues } from '../../template';
import { podTemplate } from '../../pod';

export default podTemplate({
  name: 'require-resource-limits',
  version: '1.0.0',
  pack: 'best-practices',
  title: 'Require resource limits',
  description:
    'Containers without limits can starve their neighbours. resources.limits of every container and init container must set each required resource to a valid quantity. (Ephemeral containers cannot have resources.)',
  severity: 'medium',
  remediation: 'Set resources.limits (e.g. cpu: 500m, memory: 256Mi) on every container and init container.',
  parameters: {
    resources: { type: 'string[]', description: 'Resources every container must limit.', default: ['cpu', 'memory'] },
  },
  body: (p: ParameterValues) => ({
    variables: [
      { name: 'containers', expression: 'object.spec.containers + object.spec.?initContainers.orValue([])' },
      { name: 'requiredLimits', expression: celStrings(p.resources as string[]) },
    ],
    validations: [
      {
        expression:
          'variables.containers.all(c, variables.requiredLimits.all(r, r in c.?resources.?limits.orValue({}) && isQuantity(string(c.resources.limits[r]))))',
        message: `Resource limits are required: resources.limits must set ${(p.resources as string[]).join(', ')} on every container.`,
        messageExpression: `'Resource limits are required: resources.limits must set ${(p.resources as string[]).join(', ')} on every container. Offending containers: ' + variables.containers.filter(c, !variables.requiredLimits.all(r, r in c.?resources.?limits.orValue({}) && isQuantity(string(c.resources.limits[r])))).map(c, c.name).join(', ')`,
      },
    ],
  }),
});
