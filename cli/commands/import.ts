import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, summaryLine } from '../../analysis/kyverno-test/report';
import { runTests } from '../../analysis/kyverno-test/runner';
import { formatFinding, SchemaValidator } from '../../analysis/schema';
import { templateSuiteProblems } from '../../analysis/template-suites';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { REPO_ROOT } from '../../lib/paths';
import type { Rollout } from '../../config/rollout';
import { suitePolicy, suitePolicyYaml, TEMPLATE_FOLDER_FILES } from '../../policies/suite';
import { celProblems } from '../../synth/cel-check';
import { parseArgs } from '../args';
import type { Command } from '../command';
import { importSuite } from '../import-suite';
import { importedTemplateSource, ImportRefusal, importPolicy, templateOf, type ImportResult } from '../policy-import';
import { readWorkingRollout, rewriteRolloutEntry, ROLLOUT_PATH, verifyRewrite } from '../rollout-source';
import { EXIT } from '../support';
import { CATALOG_FILE, listTemplateFolders, POLICIES_DIR, README_FILE } from '../template-folders';
import { regenerate } from './generate';

const USAGE = 'krate-policy import <policy.yaml> [--pack <pack>] [--name <template>] [--today YYYY-MM-DD]';
const STAGE = 'audit:dev';

const refused = (lines: readonly string[]): number => {
  for (const line of lines) console.error(`import: refused: ${line}`);
  console.error('import: nothing was written.');
  return EXIT.findings;
};

/** Why the rendered template would not be accepted (synth's CEL check, Kyverno's CRD schema): one line each. */
async function renderedProblems(result: ImportResult): Promise<string[]> {
  const manifest = suitePolicy(templateOf(result.template));
  const cel = celProblems([{ env: 'import', app: 'policies', manifest }]).map(
    (p) =>
      `${p.replace(/^import\/policies\/[^:]+: /, '')}: Kyverno v1.19 would refuse it (and so would synth); fix the policy and import again`,
  );
  const schema = (await new SchemaValidator().validate([{ manifest, file: 'the rendered policy', index: 0 }])).map(
    (f) => `${formatFinding(f)} (Kyverno v1.19's ValidatingPolicy schema); fix the policy and import again`,
  );
  return [...cel, ...schema];
}

/**
 * `krate-policy import`: an existing ValidatingPolicy (or a ClusterPolicy of validate.cel rules) as
 * a template folder with its Kyverno CLI suite (converted, or a placeholder that fails on purpose),
 * listed in the catalog and the README, on the ladder at audit:dev dated today. Every check runs
 * before anything is written; a failure after that puts every file back.
 */
export const importPolicyCommand: Command = {
  name: 'import',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(args, { values: ['pack', 'name', 'today'] }, USAGE);
    const [file, ...extra] = parsed.positional;
    if (!file || extra.length > 0)
      throw new ConfigError([`import: name exactly one policy file (e.g. policies/my-policy.yaml)\nusage: ${USAGE}`]);
    const today = parseToday(parsed.flags.get('today'));
    const flag = (n: string) => (typeof parsed.flags.get(n) === 'string' ? (parsed.flags.get(n) as string) : undefined);

    let result: ImportResult;
    try {
      result = importPolicy({ file, name: flag('name'), pack: flag('pack') });
    } catch (e) {
      if (e instanceof ImportRefusal) return refused(e.problems);
      throw e;
    }
    const { template } = result;
    const existing = listTemplateFolders(REPO_ROOT).find((f) => f.name === template.name);
    if (existing)
      return refused([
        `template '${template.name}' already exists (${POLICIES_DIR}/${existing.key}/); name the imported one with --name <template>, or edit that template`,
      ]);
    const folder = `${POLICIES_DIR}/${template.pack}/${template.name}`;
    if (existsSync(join(REPO_ROOT, folder))) return refused([`${folder} already exists; choose another name with --name, or remove it`]);
    const { text: rolloutText, rollout } = readWorkingRollout(REPO_ROOT);
    if (rollout && typeof rollout === 'object' && template.name in rollout)
      return refused([`${ROLLOUT_PATH} already has an entry for '${template.name}'; remove it, or name the template with --name`]);
    const problems = await renderedProblems(result);
    if (problems.length > 0) return refused(problems);
    const nextRollout = rewriteRolloutEntry(rolloutText, template.name, STAGE, today);
    verifyRewrite(nextRollout, { ...(rollout as Rollout), [template.name]: { stage: STAGE, since: today } } as Rollout);
    const suite = importSuite(file, result.origin, template);
    const files = new Map([[TEMPLATE_FOLDER_FILES.template, importedTemplateSource(result, today)], ...suite.files]);

    // Writes start here; a failure from now on restores what was there.
    const saved = [ROLLOUT_PATH, CATALOG_FILE, README_FILE].map((p) => [p, readFileSync(join(REPO_ROOT, p), 'utf8')] as const);
    const restore = () => {
      rmSync(join(REPO_ROOT, folder), { recursive: true, force: true });
      for (const [p, text] of saved) writeFileSync(join(REPO_ROOT, p), text);
    };
    try {
      mkdirSync(join(REPO_ROOT, folder), { recursive: true });
      for (const [name, text] of files) writeFileSync(join(REPO_ROOT, folder, name), text);
      writeFileSync(join(REPO_ROOT, ROLLOUT_PATH), nextRollout);
      console.log(
        `import: ${result.origin.kind} ${result.origin.name} (${file}) is the template ${template.name}: ${folder}/ (${[...files.keys(), TEMPLATE_FOLDER_FILES.policy].join(', ')})`,
      );
      const status = regenerate();
      if (status !== EXIT.ok) {
        restore();
        console.error(`import: generating the catalog and ${folder}/${TEMPLATE_FOLDER_FILES.policy} failed (above); nothing was kept`);
        return status;
      }
      // template.ts must say what was imported: the policy its build renders is the one checked above.
      if (readFileSync(join(REPO_ROOT, folder, TEMPLATE_FOLDER_FILES.policy), 'utf8') !== suitePolicyYaml(templateOf(template)))
        throw new Error(`${folder}/${TEMPLATE_FOLDER_FILES.template} does not render the imported policy`);
    } catch (e) {
      restore();
      throw e;
    }
    for (const note of [...result.notes, ...suite.notes]) console.log(`import: note: ${note}`);
    console.log(
      `import: ${template.name} is on the ladder at ${STAGE} (${ROLLOUT_PATH}, since ${today}): npm run synth renders it on dev in Audit.`,
    );
    const report = runTests([join(REPO_ROOT, folder)]);
    const next = [
      'next:',
      `  1. npx krate-policy test ${folder} (until it ends with "N passed, 0 failed")`,
      '  2. npm run synth && npm test, review the rendered dist/dev/policies/ change, and commit',
    ];
    if (!suite.from) {
      console.log(
        [
          `import: no Kyverno CLI suite tests ${result.origin.name} next to ${file}, so ${folder}/${TEMPLATE_FOLDER_FILES.test} was scaffolded with placeholder cases: it fails on purpose (${summaryLine(report)}) until good.yaml and bad.yaml hold real ones.`,
          ...next,
        ].join('\n'),
      );
      return EXIT.ok;
    }
    const meta = templateSuiteProblems(join(REPO_ROOT, folder), templateOf(template), folder);
    console.log(`import: converted ${suite.from}: ${summaryLine(report)}`);
    if (report.failed === 0 && meta.length === 0) {
      console.log(next.join('\n'));
      return EXIT.ok;
    }
    console.error(
      [
        `import: the converted suite does not yet prove the template both ways (npm test fails until it does); fix ${folder}/:`,
        ...(meta.length > 0 ? meta.map((p) => `  ${p}`) : [formatTable(report)]),
      ].join('\n'),
    );
    return EXIT.findings;
  },
};
