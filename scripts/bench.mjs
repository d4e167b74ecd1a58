// `npm run bench`: the performance figures of the current sources (built first when they changed).
import { runEntry } from './build.mjs';

await runEntry('test/bench/index.mjs');
