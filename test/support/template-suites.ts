// The resources of the template library's own Kyverno CLI suites (policies/<pack>/<template>/*.yaml
// besides the suite and its generated policy): realistic good and bad objects for engine tests.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths';
import { TEMPLATE_FOLDER_FILES } from '../../policies/suite';

const POLICIES = join(REPO_ROOT, 'policies');
const entries = (p: string) => readdirSync(p, { withFileTypes: true });

/** Every case file (good.yaml, bad.yaml, …) of every template folder, sorted (not the suite, its policy or its context). */
export function templateCaseFiles(): string[] {
  const files: string[] = [];
  for (const pack of entries(POLICIES).filter((d) => d.isDirectory())) {
    for (const folder of entries(join(POLICIES, pack.name)).filter((d) => d.isDirectory())) {
      const dir = join(POLICIES, pack.name, folder.name);
      for (const f of readdirSync(dir).sort())
        if (
          f.endsWith('.yaml') &&
          ![TEMPLATE_FOLDER_FILES.test, TEMPLATE_FOLDER_FILES.policy, TEMPLATE_FOLDER_FILES.context].includes(f as never)
        )
          files.push(join(dir, f));
    }
  }
  return files.sort();
}
