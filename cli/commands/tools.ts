import { execFileSync } from 'node:child_process';
import { toolPath } from '../../lib/paths';
import type { Command } from '../command';

export const tools: Command = {
  name: 'tools',
  usage: 'krate-policy tools',
  async run() {
    const helm = execFileSync(toolPath('helm'), ['version', '--short'], { encoding: 'utf8' }).trim();
    const kubectl = execFileSync(toolPath('kubectl'), ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    console.log(`helm     ${helm}   (${toolPath('helm')})`);
    console.log(`kubectl  ${JSON.parse(kubectl).clientVersion.gitVersion}   (${toolPath('kubectl')})`);
    return 0;
  },
};
