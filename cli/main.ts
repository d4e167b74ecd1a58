// `krate-policy <command>`: the project's command line. Commands load lazily so each pays only for
// what it uses (scan does not load the schema validators, validate does not load CEL).
import { runMain } from '../lib/cli-support';
import { ConfigError } from '../lib/errors';
import type { Command } from './command';

type Loader = () => Promise<Command>;

/** Every command: name → summary and loader. Add new commands here. */
const COMMANDS: ReadonlyArray<{ readonly name: string; readonly summary: string; readonly load: Loader }> = [
  { name: 'synth', summary: 'render every environment into dist/ and apps/bootstrap/ (or --out <dir>)', load: async () => (await import('./commands/synth')).synth },
  { name: 'validate', summary: 'schema-validate manifests offline (default: dist/)', load: async () => (await import('./commands/validate')).validate },
  { name: 'test', summary: 'run Kyverno CLI test suites (kyverno-test.yaml) offline against their policies', load: async () => (await import('./commands/test')).test },
  { name: 'scan', summary: 'evaluate policies against manifests (files, folders, - for stdin)', load: async () => (await import('./commands/scan')).scan },
  { name: 'diff', summary: 'render a git ref and the working tree, report what changes per environment and app', load: async () => (await import('./commands/diff')).diff },
  { name: 'rollout check', summary: 'compare the rollout with a git ref: no ladder jumps, soak before enforce, valid dates', load: async () => (await import('./commands/rollout-check')).rolloutCheck },
  { name: 'promote', summary: 'move a template one rung up the ladder (refuses what rollout check refuses)', load: async () => (await import('./commands/promote')).promote },
  { name: 'status', summary: 'print the ladder board: template × environment, days in stage, next allowed promotion', load: async () => (await import('./commands/status')).status },
  { name: 'check', summary: 'check environments, rollout and exceptions against today (expired exceptions, future dates, approvers)', load: async () => (await import('./commands/check')).check },
  { name: 'audit-rbac', summary: 'audit Roles/ClusterRoles: no wildcards, no Secrets, no escalation, PolicyException write only for the exception controller', load: async () => (await import('./commands/audit-rbac')).auditRbacCommand },
  { name: 'tools', summary: 'print the versions of the project-local helm and kubectl', load: async () => (await import('./commands/tools')).tools },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: krate-policy <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `krate-policy <command> --help` for a command\'s options.',
  ].join('\n');
}

runMain(async () => {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(help());
    return 0;
  }
  // Longest match first, so two-word commands ('rollout check') win over one-word prefixes.
  const entry = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((w, i) => argv[i] === w));
  if (!entry) throw new ConfigError([`'${argv[0]}' is not a krate-policy command\n${help()}`]);
  const command = await entry.load();
  const rest = argv.slice(entry.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${entry.summary}\nusage: ${command.usage}`);
    return 0;
  }
  return command.run(rest);
});
