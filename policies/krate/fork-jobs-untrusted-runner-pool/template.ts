import { krateTemplate, KRATE_GROUP, KRATE_VERSION } from '../../krate-resource';

// Context-aware: reads the RunnerPool a forked job runs on from the cluster with Kyverno's resource
// library (resource.Get returns null when it does not exist; a map does not compare with null, hence dyn()).
export default krateTemplate({
  name: 'fork-jobs-untrusted-runner-pool',
  version: '1.0.0',
  kinds: ['Job'],
  title: 'Jobs of forked runs use untrusted runner pools',
  description:
    "Code from a fork must never reach a runner that holds trusted credentials or caches. A Job with spec.fork: true must name, in spec.runnerPoolRef, a RunnerPool that exists in the cluster (looked up with resource.Get) and whose spec.trustTier is untrusted. The job's own trust tier is fork-runs-untrusted's concern; this template checks where it runs. Evaluated at admission and in background scans, so a pool that is later switched to trusted is reported too.",
  severity: 'high',
  surface: 'run',
  remediation: 'Run fork jobs on an untrusted RunnerPool: set spec.runnerPoolRef to a pool whose spec.trustTier is untrusted.',
  fields: [
    'Job.spec.fork (bool): the run was triggered from a fork',
    'Job.spec.runnerPoolRef.name (string): the RunnerPool the job runs on',
    "Job.spec.runnerPoolRef.namespace (string, default the job's namespace): where that RunnerPool lives",
    'RunnerPool.spec.trustTier (trusted|untrusted, read from the cluster): the credentials tier of the pool',
  ],
  body: () => ({
    matchConditions: [{ name: 'from-fork', expression: 'object.spec.?fork.orValue(false) == true' }],
    variables: [
      { name: 'poolName', expression: "object.spec.?runnerPoolRef.?name.orValue('')" },
      { name: 'poolNamespace', expression: 'object.spec.?runnerPoolRef.?namespace.orValue(object.metadata.namespace)' },
      {
        name: 'pool',
        expression: `variables.poolName == '' ? null : dyn(resource.Get('${KRATE_GROUP}/${KRATE_VERSION}', 'runnerpools', variables.poolNamespace, variables.poolName))`,
      },
    ],
    validations: [
      {
        expression: "variables.poolName != ''",
        message: 'A job of a forked run must name its runner pool: set spec.runnerPoolRef.name to an untrusted RunnerPool.',
      },
      {
        expression: "variables.poolName == '' || variables.pool != null",
        message: 'A job of a forked run must use an existing RunnerPool: spec.runnerPoolRef names none in the cluster.',
        messageExpression:
          "'A job of a forked run must use an existing RunnerPool: there is no RunnerPool ' + variables.poolNamespace + '/' + variables.poolName + '.'",
      },
      {
        expression: "variables.pool == null || variables.pool.spec.?trustTier.orValue('') == 'untrusted'",
        message: 'A job of a forked run must use an untrusted RunnerPool: the pool it names has spec.trustTier other than untrusted.',
        messageExpression:
          "'A job of a forked run must use an untrusted RunnerPool: ' + variables.poolNamespace + '/' + variables.poolName + ' has spec.trustTier \\'' + string(variables.pool.spec.?trustTier.orValue('')) + '\\'.'",
      },
    ],
  }),
});
