import { ConfigError } from '../../lib/errors';
import { readManifests } from '../../lib/manifests';
import { auditRbac, countRoles, formatRbacFinding, RBAC_RULES } from '../../analysis/rbac-audit';
import { parseArgs } from '../args';
import type { Command } from '../command';

const usage = 'krate-policy audit-rbac <file|dir>... [--exception-controller name[,name]] [--exception-namespace ns]';

export const auditRbacCommand: Command = {
  name: 'audit-rbac',
  usage: `${usage}\n\nrules:\n${Object.entries(RBAC_RULES).map(([id, text]) => `  ${id}: ${text}`).join('\n')}`,
  async run(args) {
    const parsed = parseArgs(args, { values: ['exception-controller', 'exception-namespace'] }, usage);
    if (parsed.positional.length === 0) throw new ConfigError([`audit-rbac: give the manifests to audit (files or folders)\nusage: ${usage}`]);
    const controllers = parsed.flags.get('exception-controller');
    const namespace = parsed.flags.get('exception-namespace');
    const items = readManifests(parsed.positional);
    const findings = auditRbac(items, {
      exceptionControllers: typeof controllers === 'string' ? controllers.split(',').filter(Boolean) : undefined,
      exceptionNamespace: typeof namespace === 'string' ? namespace : undefined,
    });
    for (const f of findings) console.error(formatRbacFinding(f));
    console.log(`audit-rbac: ${countRoles(items)} Role/ClusterRole(s) in ${new Set(items.map((i) => i.file)).size} file(s), ${findings.length} finding(s)`);
    return findings.length > 0 ? 1 : 0;
  },
};
