import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceSnapshot, formatSnapshot } from '../../analysis/evidence';
import { generatedPolicies, readReportExport, type ReportExport } from '../../analysis/policy-reports';
import { failingOf } from '../../config/evidence';
import { resolveConfig } from '../../config/resolve';
import { isIsoDate, todayUtc } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { didYouMean } from '../../lib/suggest';
import type { LadderEnvironment } from '../../lib/ladder';
import { parseArgs, requiredFlag } from '../args';
import type { Command } from '../command';
import { repoFlag } from '../rollout';
import { evidenceFile, repositorySources, repositoryTemplates, snapshotTarget } from '../sources';
import { samePath, writeFileAtomic } from '../support';

const EXPORT_HINT =
  'export them with kubectl get policyreports,clusterpolicyreports -A -o yaml (Kyverno writes wgpolicyk8s.io PolicyReports, or openreports.io Reports when openreports is enabled)';

export const evidenceAdd: Command = {
  name: 'evidence add',
  usage: 'krate-policy evidence add --env <env> [--date YYYY-MM-DD] [--repo <dir>] <reports.yaml>...',
  async run(args) {
    const parsed = parseArgs(args, { values: ['env', 'date', 'repo'] }, this.usage);
    const envName = requiredFlag(parsed, 'env', 'staging', this.usage);
    const dateFlag = parsed.flags.get('date');
    const today = todayUtc();
    const date = dateFlag === undefined ? today : dateFlag;
    if (typeof date !== 'string' || !isIsoDate(date))
      throw new ConfigError([`--date: '${String(date)}' is not a date like 2026-11-22 (YYYY-MM-DD)`]);
    // A snapshot records what a cluster showed; a later date would count as evidence before it exists.
    if (date > today)
      throw new ConfigError([
        `--date: ${date} is in the future (today is ${today}); a snapshot is dated the day its reports were exported`,
      ]);
    if (parsed.positional.length === 0)
      throw new ConfigError([`evidence add: name at least one report export (${EXPORT_HINT})\nusage: ${this.usage}`]);

    const repo = repoFlag(parsed);
    const { environments } = resolveConfig(repositorySources(repo));
    const env = environments.find((e) => e.name === envName);
    if (!env) {
      const known = environments.map((e) => e.name);
      throw new ConfigError([
        `--env: '${envName}' is not an environment of this repository${didYouMean(envName, known)} (${known.join('|')}, the files in environments/)`,
      ]);
    }
    // One export named twice would count every result twice: a stricter gate, but a false trend.
    const seen = new Map<string, string>();
    for (const file of parsed.positional) {
      const key = samePath(file);
      const first = seen.get(key);
      if (first !== undefined)
        throw new ConfigError([`${file}: the same export as ${first}: its results would count twice; name each export once`]);
      seen.set(key, file);
    }
    const exports: ReportExport[] = parsed.positional.map((file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new ConfigError([
          `${file}: cannot read: ${(e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory; name the export files' : (e as Error).message}`,
        ]);
      }
      return readReportExport(text, file);
    });
    const reports = exports.reduce((n, e) => n + e.reports, 0);
    if (reports === 0) {
      throw new ConfigError([
        `evidence add: ${parsed.positional.join(', ')}: no PolicyReport, ClusterPolicyReport, Report or ClusterReport found; ${EXPORT_HINT}`,
      ]);
    }
    const snapshot = evidenceSnapshot({
      environment: env.name as LadderEnvironment,
      org: env.org,
      date,
      templates: repositoryTemplates().map((t) => t.name),
      policies: generatedPolicies(env),
      exports,
    });
    const file = evidenceFile(env.name, date);
    const replaced = snapshotTarget(repo, env.name, date) === 'replace';
    writeFileAtomic(join(repo, file), formatSnapshot(snapshot));
    const templates = Object.values(snapshot.templates);
    const failing = templates.reduce((n, t) => n + failingOf(t), 0);
    console.log(
      `evidence add: ${file}${replaced ? ' (replaced)' : ''}: ${snapshot.reports} report(s), ${snapshot.results} result(s), ${templates.length} template(s) seen, ${failing} failing result(s); ${snapshot.unmatched.results} result(s) of other policies`,
    );
    console.log(`next: commit ${file}; npx krate-policy status shows the trend`);
    return 0;
  },
};
