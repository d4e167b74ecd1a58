import { krateTemplate, KRATE_GROUP, KRATE_VERSION } from '../../krate-resource';

const ORG = 'krate.a5c.ai/org';

// Context-aware: reads the referenced Repository from the cluster with Kyverno's resource library
// (resource.Get returns null when it does not exist; a map does not compare with null, hence dyn()).
export default krateTemplate({
  name: 'pr-references-org-repository',
  version: '1.0.0',
  kinds: ['PullRequest'],
  title: 'Pull requests reference an existing repository of their org',
  description:
    'A pull request belongs to a repository of its own organisation. Its spec.repositoryRef must name a Repository that exists in the cluster (looked up with resource.Get), and that Repository must carry the same krate.a5c.ai/org label as the pull request. Evaluated at admission and in background scans, so a pull request whose repository disappears or moves to another org is reported too.',
  severity: 'high',
  surface: 'pr',
  remediation:
    "Point spec.repositoryRef at the org's Repository (name, and namespace when it lives elsewhere), and give the pull request the Repository's krate.a5c.ai/org label.",
  fields: [
    'PullRequest.metadata.labels[krate.a5c.ai/org]: the org the pull request belongs to',
    'PullRequest.spec.repositoryRef.name (string): the Repository it is opened against',
    "PullRequest.spec.repositoryRef.namespace (string, default the pull request's namespace): where that Repository lives",
    'Repository.metadata.labels[krate.a5c.ai/org] (read from the cluster): the org owning the repository',
  ],
  body: () => ({
    variables: [
      { name: 'org', expression: `object.metadata.?labels[?'${ORG}'].orValue('')` },
      { name: 'repositoryName', expression: "object.spec.?repositoryRef.?name.orValue('')" },
      { name: 'repositoryNamespace', expression: 'object.spec.?repositoryRef.?namespace.orValue(object.metadata.namespace)' },
      {
        name: 'repository',
        expression: `variables.repositoryName == '' ? null : dyn(resource.Get('${KRATE_GROUP}/${KRATE_VERSION}', 'repositories', variables.repositoryNamespace, variables.repositoryName))`,
      },
    ],
    validations: [
      {
        expression: "variables.repositoryName != ''",
        message: 'A pull request must name its repository: set spec.repositoryRef.name.',
      },
      {
        expression: "variables.repositoryName == '' || variables.repository != null",
        message: 'A pull request must reference an existing Repository: spec.repositoryRef names none in the cluster.',
        messageExpression:
          "'A pull request must reference an existing Repository: there is no Repository ' + variables.repositoryNamespace + '/' + variables.repositoryName + '.'",
      },
      {
        expression: `variables.repository == null || (variables.org != '' && variables.repository.metadata.?labels[?'${ORG}'].orValue('') == variables.org)`,
        message: `A pull request must reference a Repository of its own org: the Repository's ${ORG} label must equal the pull request's.`,
        messageExpression: `'A pull request must reference a Repository of its own org: ' + variables.repositoryNamespace + '/' + variables.repositoryName + ' belongs to org \\'' + string(variables.repository.metadata.?labels[?'${ORG}'].orValue('')) + '\\', the pull request to \\'' + variables.org + '\\' (label ${ORG}).'`,
      },
    ],
  }),
});
