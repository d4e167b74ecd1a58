import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseToday } from '../../lib/dates';
import { ConfigError } from '../../lib/errors';
import { isDnsLabel } from '../../lib/kubernetes-names';
import { REPO_ROOT } from '../../lib/paths';
import { didYouMean } from '../../lib/suggest';
import type { Rollout } from '../../config/rollout';
import { POLICY_PACKS, type PolicyPackName } from '../../policies/packs';
import { TEMPLATE_FOLDER_FILES } from '../../policies/suite';
import { parseArgs, requiredFlag } from '../args';
import type { Command } from '../command';
import { readWorkingRollout, rewriteRolloutEntry, ROLLOUT_PATH, verifyRewrite } from '../rollout-source';
import { resolveKind, scaffoldFiles } from '../scaffold';
import { EXIT } from '../support';
import { CATALOG_FILE, listTemplateFolders, POLICIES_DIR, README_FILE } from '../template-folders';
import { regenerate } from './generate';

const USAGE = 'krate-policy new <name> --pack <pack> --kind <Kind> [--api-version <group/version>] [--today YYYY-MM-DD]';

/**
 * `krate-policy new`: scaffolds a template folder (template.ts with a placeholder rule, a Kyverno
 * CLI suite whose fail case fails until the rule is written, the rendered policy.yaml), lists it in
 * the catalog and the README, and puts it on the ladder at `draft` so nothing renders until it is
 * promoted. Every check runs before anything is written; a failure after that puts every file back.
 */
export const newTemplate: Command = {
  name: 'new',
  usage: USAGE,
  async run(args) {
    const parsed = parseArgs(args, { values: ['pack', 'kind', 'api-version', 'today'] }, USAGE);
    const [name, ...extra] = parsed.positional;
    if (!name || extra.length > 0) throw new ConfigError([`new: name exactly one template (e.g. require-team-label)\nusage: ${USAGE}`]);
    if (!isDnsLabel(name))
      throw new ConfigError([
        `new: '${name}' is not a template name: a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), e.g. require-team-label`,
      ]);
    const pack = requiredFlag(parsed, 'pack', POLICY_PACKS[0], USAGE);
    if (!(POLICY_PACKS as readonly string[]).includes(pack))
      throw new ConfigError([
        `--pack: '${pack}' is not a policy pack${didYouMean(pack, POLICY_PACKS)} (packs: ${POLICY_PACKS.join(', ')})`,
      ]);
    const apiVersion = parsed.flags.get('api-version');
    const kind = resolveKind(requiredFlag(parsed, 'kind', 'Pod', USAGE), typeof apiVersion === 'string' ? apiVersion : undefined);
    const today = parseToday(parsed.flags.get('today'));

    const existing = listTemplateFolders(REPO_ROOT).find((f) => f.name === name);
    if (existing) {
      console.error(
        `new: refused: template '${name}' already exists (${POLICIES_DIR}/${existing.key}/); choose another name or edit that template`,
      );
      return EXIT.findings;
    }
    const folder = `${POLICIES_DIR}/${pack}/${name}`;
    if (existsSync(join(REPO_ROOT, folder))) {
      console.error(`new: refused: ${folder} already exists; choose another name or remove it`);
      return EXIT.findings;
    }
    const { text: rolloutText, rollout } = readWorkingRollout(REPO_ROOT);
    if (rollout && typeof rollout === 'object' && name in rollout) {
      console.error(`new: refused: ${ROLLOUT_PATH} already has an entry for '${name}'; remove it or choose another name`);
      return EXIT.findings;
    }
    const head = { ...(rollout as Rollout), [name]: { stage: 'draft', since: today } } as Rollout;
    const nextRollout = rewriteRolloutEntry(rolloutText, name, 'draft', today);
    verifyRewrite(nextRollout, head);
    const files = scaffoldFiles({ name, pack: pack as PolicyPackName, kind });

    // Writes start here; a failure from now on restores what was there.
    const saved = [ROLLOUT_PATH, CATALOG_FILE, README_FILE].map((p) => [p, readFileSync(join(REPO_ROOT, p), 'utf8')] as const);
    const restore = () => {
      rmSync(join(REPO_ROOT, folder), { recursive: true, force: true });
      for (const [p, text] of saved) writeFileSync(join(REPO_ROOT, p), text);
    };
    let status: number;
    try {
      mkdirSync(join(REPO_ROOT, folder), { recursive: true });
      for (const [file, text] of files) writeFileSync(join(REPO_ROOT, folder, file), text);
      writeFileSync(join(REPO_ROOT, ROLLOUT_PATH), nextRollout);
      console.log(`new: scaffolded ${folder}/ (${[...files.keys(), TEMPLATE_FOLDER_FILES.policy].join(', ')})`);
      status = regenerate();
    } catch (e) {
      restore();
      throw e;
    }
    if (status !== EXIT.ok) {
      restore();
      console.error(`new: generating the catalog and ${folder}/${TEMPLATE_FOLDER_FILES.policy} failed (above); nothing was kept`);
      return status;
    }
    console.log(
      [
        `new: ${name} is on the ladder at draft (${ROLLOUT_PATH}, since ${today}): nothing renders until you promote it.`,
        `new: its test fails on purpose: the placeholder rule admits everything, so the fail case in ${folder}/bad.yaml fails until you write the rule.`,
        'next:',
        `  1. write the rule (validations, in CEL) in ${folder}/${TEMPLATE_FOLDER_FILES.template}, and the cases in good.yaml and bad.yaml`,
        `  2. npx krate-policy generate (re-renders ${TEMPLATE_FOLDER_FILES.policy} and the README's template tables)`,
        `  3. npx krate-policy test ${folder} (until it ends with "N passed, 0 failed")`,
        `  4. npx krate-policy promote ${name} (draft → audit:dev), then npm run synth && npm test, and commit`,
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
