import { ConfigError } from '../../lib/errors';
import { readInputManifests } from '../../lib/manifests';
import { auditRbac, countRoles, formatRbacFinding, RBAC_RULES } from '../../analysis/rbac-audit';
import { EXIT } from '../support';
import { enumFlag, parseArgs } from '../args';
import type { Command } from '../command';

const usage =
  'krate-policy audit-rbac [--exception-controller name[,name]] [--exception-namespace ns] [--platform-group name[,name]] [--controller-namespace ns[,ns]] [--output table|json] <file|dir>...';
const OUTPUTS = ['table', 'json'] as const;

export const auditRbacCommand: Command = {
  name: 'audit-rbac',
  usage: `${usage}\n\nrules:\n${Object.entries(RBAC_RULES)
    .map(([id, text]) => `  ${id}: ${text}`)
    .join('\n')}`,
  async run(args) {
    const parsed = parseArgs(
      args,
      { values: ['exception-controller', 'exception-namespace', 'platform-group', 'controller-namespace', 'output'] },
      usage,
    );
    const output = enumFlag(parsed, 'output', OUTPUTS, 'table');
    if (parsed.positional.length === 0)
      throw new ConfigError([`audit-rbac: give the manifests to audit (files or folders)\nusage: ${usage}`]);
    const controllers = parsed.flags.get('exception-controller');
    const namespace = parsed.flags.get('exception-namespace');
    const platform = parsed.flags.get('platform-group');
    const controllerNamespaces = parsed.flags.get('controller-namespace');
    const items = readInputManifests(parsed.positional);
    const roles = countRoles(items);
    // An audit that found nothing to audit fails: the paths hold manifests, but no role to check.
    if (roles === 0) {
      throw new ConfigError([
        `no Roles or ClusterRoles found in ${parsed.positional.join(', ')} (${items.length} manifest(s) read, none a Role or ClusterRole): nothing to audit; name the files or folders that hold the rbac.authorization.k8s.io Roles and ClusterRoles`,
      ]);
    }
    const findings = auditRbac(items, {
      exceptionControllers: typeof controllers === 'string' ? controllers.split(',').filter(Boolean) : undefined,
      exceptionNamespace: typeof namespace === 'string' ? namespace : undefined,
      platformGroups: typeof platform === 'string' ? platform.split(',').filter(Boolean) : undefined,
      controllerNamespaces: typeof controllerNamespaces === 'string' ? controllerNamespaces.split(',').filter(Boolean) : undefined,
    });
    const files = new Set(items.map((i) => i.file)).size;
    if (output === 'json') {
      console.log(JSON.stringify({ findings, summary: { roles, manifests: items.length, files, findings: findings.length } }, null, 2));
    } else {
      for (const f of findings) console.log(formatRbacFinding(f));
      console.log(`audit-rbac: ${roles} Role/ClusterRole(s) in ${files} file(s), ${findings.length} finding(s)`);
    }
    return findings.length > 0 ? EXIT.findings : EXIT.ok;
  },
};
