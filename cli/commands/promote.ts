import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryTemplates } from '../sources';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import type { LadderEnvironment } from '../../lib/ladder';
import { compareRollouts, formatFinding, nextStage, stageOf, type Rollout } from '../../config/rollout';
import { evidenceGate, repoFlag, rolloutAt, workingRollout } from '../rollout';
import { summariseReports } from '../../analysis/policy-reports';
import { rewriteRolloutEntry, ROLLOUT_PATH, verifyRewrite } from '../rollout-source';
import { parseArgs } from '../args';
import type { Command } from '../command';

export const promote: Command = {
  name: 'promote',
  usage: 'krate-policy promote <template> [--today YYYY-MM-DD] [--reports <policyreports.yaml>] [--base <git-ref>] [--repo <dir>]',
  async run(args) {
    const parsed = parseArgs(args, { values: ['today', 'reports', 'base', 'repo'] }, this.usage);
    const [template, ...extra] = parsed.positional;
    if (!template || extra.length > 0) throw new ConfigError([`promote: name exactly one template\nusage: ${this.usage}`]);
    if (!repositoryTemplates().some((t) => t.name === template)) {
      throw new ConfigError([
        `promote: unknown template '${template}'; templates are the folders policies/<pack>/<template>/ (npx krate-policy status shows them all)`,
      ]);
    }
    const today = parseToday(parsed.flags.get('today'));
    const repo = repoFlag(parsed);
    const { text, rollout } = workingRollout(repo);
    const from = stageOf(rollout, template);
    const to = nextStage(from);
    if (!to) {
      console.error(`promote: refused: ${template} is already at ${from}, the top of the ladder`);
      return 1;
    }
    const head: Rollout = { ...rollout, [template]: { ...(rollout[template] ?? {}), stage: to, since: today } };

    // The same rules rollout check applies: against the working tree, and against the base (the
    // pull request's with --base, HEAD without), so a second promotion in one change is refused.
    const { environments, gate } = evidenceGate(repo);
    const findings = compareRollouts(rollout, head, today, gate).filter((f) => f.template === template);
    const ref = parsed.flags.get('base');
    const base = typeof ref === 'string' ? ref : 'HEAD';
    findings.push(
      ...compareRollouts(rolloutAt(repo, base), head, today, gate).filter(
        (f) => f.template === template && !findings.some((g) => g.rule === f.rule),
      ),
    );
    if (findings.length > 0) {
      for (const f of findings) console.error(`promote: refused: ${formatFinding(f)}`);
      return 1;
    }

    // --reports adds a one-off look at today's reports to the recorded evidence the rules above judged.
    const reportsFile = parsed.flags.get('reports');
    if (to.startsWith('enforce:')) {
      const envName = to.slice('enforce:'.length) as LadderEnvironment;
      if (typeof reportsFile === 'string') {
        const env = environments.find((e) => e.name === envName);
        if (!env) throw new ConfigError([`promote: environment '${envName}' is not defined in environments/`]);
        let reportText: string;
        try {
          reportText = readFileSync(reportsFile, 'utf8');
        } catch (e) {
          throw new ConfigError([`--reports: cannot read ${reportsFile}: ${(e as Error).message}`]);
        }
        const summary = summariseReports(reportText, reportsFile, env, template);
        if (summary.reports === 0) {
          throw new ConfigError([
            `--reports: ${reportsFile} holds no PolicyReport or ClusterPolicyReport; export it with kubectl get policyreports,clusterpolicyreports -A -o yaml`,
          ]);
        }
        const allowed = env.promotion.maxFailingResults;
        if (summary.failing > allowed) {
          console.error(
            `promote: refused: ${template}: ${from} → ${to}: ${summary.failing} failing result(s) in ${envName}'s reports (at most ${allowed} allowed, promotion.maxFailingResults of environments/${envName}.ts); fix them or add an exception first`,
          );
          for (const ex of summary.examples) console.error(`  ${ex}`);
          return 1;
        }
        console.log(`promote: ${envName} reports: ${summary.failing} failing result(s) for ${template} (at most ${allowed} allowed)`);
      } else {
        const basis = gate.criteria[envName]?.required
          ? `on the audit evidence in evidence/${envName}/`
          : `without an evidence gate (promotion.evidence.required is false in environments/${envName}.ts)`;
        console.log(`promote: note: entering ${to} ${basis}; --reports <export.yaml> also checks ${envName}'s reports of today`);
      }
    }

    const file = join(repo, ROLLOUT_PATH);
    const next = rewriteRolloutEntry(text, template, to, today);
    verifyRewrite(next, head);
    writeFileSync(file, next);
    console.log(`promote: ${template}: ${from} → ${to} since ${today} (${ROLLOUT_PATH} updated)`);
    console.log('next: npm run synth, then commit environments/rollout.ts together with dist/');
    return 0;
  },
};
