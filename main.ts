// `npm run synth` (and `cdk8s synth`, via cdk8s.yaml): render every environment into dist/.
import { synth } from './cli/commands/synth';
import { runMain } from './cli/support';

runMain(() => synth.run([]));
