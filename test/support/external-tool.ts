import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program from the operating system's packages that some tests run for real. */
export interface ExternalTool {
  /** The executable looked up on PATH. */
  readonly command: string;
  /** How to get it, printed when its tests are skipped. */
  readonly install: string;
}

// .ci/run installs each of these from Debian's packages, so CI never skips their tests.
export const CHROMIUM: ExternalTool = { command: 'chromium', install: 'apt-get install chromium' };
export const PROMTOOL: ExternalTool = { command: 'promtool', install: 'apt-get install prometheus (it ships promtool)' };
export const LUA51: ExternalTool = { command: 'lua5.1', install: 'apt-get install lua5.1' };

/** The tool's absolute path on PATH, or undefined when it is not installed. */
export function findTool(tool: ExternalTool): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool.command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The marker test/support/skipped-tools-reporter.cjs looks for to list what was skipped and why. */
export const SKIPPED_MARKER = '(skipped: ';

/**
 * `describe` when the tool is installed; otherwise the block is skipped and its title says which
 * tool is missing and how to install it, which the skipped-tools reporter prints after the run.
 */
export function describeWithTool(tool: ExternalTool, name: string, fn: (path: string) => void): void {
  const path = findTool(tool);
  if (path) describe(name, () => fn(path));
  else describe.skip(`${name} ${SKIPPED_MARKER}${tool.command} is not on PATH; install: ${tool.install})`, () => fn(tool.command));
}
