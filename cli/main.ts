// `krate-policy <command>`: the project's command line. Commands load lazily so each pays only for
// what it uses (scan does not load the schema validators, validate does not load CEL).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, runMain, withoutDebug } from './support';
import { ConfigError } from '../lib/errors';
import { REPO_ROOT } from '../lib/paths';
import { closest } from '../lib/suggest';
import type { Command } from './command';

type Loader = () => Promise<Command>;

/** Every command: name → summary and loader. Add new commands here. */
const COMMANDS: ReadonlyArray<{ readonly name: string; readonly summary: string; readonly load: Loader }> = [
  {
    name: 'synth',
    summary: 'render every environment into dist/ and apps/bootstrap/ (or --out <dir>)',
    load: async () => (await import('./commands/synth')).synth,
  },
  {
    name: 'validate',
    summary: 'schema-validate manifests offline (default: dist/)',
    load: async () => (await import('./commands/validate')).validate,
  },
  {
    name: 'test',
    summary: 'run Kyverno CLI test suites (kyverno-test.yaml) offline against their policies',
    load: async () => (await import('./commands/test')).test,
  },
  {
    name: 'new',
    summary: 'scaffold a template folder: template.ts, its Kyverno CLI suite (failing until the rule is written), a draft ladder entry',
    load: async () => (await import('./commands/new')).newTemplate,
  },
  {
    name: 'import',
    summary: 'turn an existing ValidatingPolicy (or a validate.cel ClusterPolicy) into a template folder with its suite, at audit:dev',
    load: async () => (await import('./commands/import')).importPolicyCommand,
  },
  {
    name: 'generate',
    summary: 'rewrite what is generated from the template folders: policies/catalog.ts, each policy.yaml, the README template tables',
    load: async () => (await import('./commands/generate')).generate,
  },
  {
    name: 'scan',
    summary:
      'evaluate policies against manifests (files, folders, - for stdin, a Helm chart, a kustomization); table, JSON, PolicyReport, SARIF, JUnit, GitHub annotations',
    load: async () => (await import('./commands/scan')).scan,
  },
  {
    name: 'diff',
    summary: 'render a git ref and the working tree, report what changes per environment and app',
    load: async () => (await import('./commands/diff')).diff,
  },
  {
    name: 'rollout check',
    summary: 'compare the rollout with a git ref: no ladder jumps, soak and audit evidence before enforce, valid dates',
    load: async () => (await import('./commands/rollout-check')).rolloutCheck,
  },
  {
    name: 'promote',
    summary: 'move a template one rung up the ladder (refuses what rollout check refuses)',
    load: async () => (await import('./commands/promote')).promote,
  },
  {
    name: 'status',
    summary: 'print the ladder board: template × environment, days in stage, next allowed promotion, evidence trend (or an HTML page)',
    load: async () => (await import('./commands/status')).status,
  },
  {
    name: 'evidence add',
    summary: "record one day's policy-report exports of an environment as evidence/<env>/<date>.json (per template counts, bounded)",
    load: async () => (await import('./commands/evidence')).evidenceAdd,
  },
  {
    name: 'check',
    summary: 'check environments, rollout and exceptions against today (expired exceptions, future dates, approvers)',
    load: async () => (await import('./commands/check')).check,
  },
  {
    name: 'audit-rbac',
    summary: 'audit Roles/ClusterRoles: no wildcards, no Secrets, no escalation, PolicyException write only for the exception controller',
    load: async () => (await import('./commands/audit-rbac')).auditRbacCommand,
  },
  {
    name: 'tools',
    summary: 'print the versions of the project-local helm and kubectl',
    load: async () => (await import('./commands/tools')).tools,
  },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: krate-policy <command> [options]',
    '       krate-policy help <command> | --version | --help',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `krate-policy help <command>` (or `<command> --help`) for a command's options. Every command",
    'takes --debug: an internal error then prints its stack trace.',
    'Exit codes: 0 clean, 1 findings or a refusal, 2 bad input or usage (or an internal error).',
  ].join('\n');
}

const words = (name: string): string[] => name.split(' ');

/** The command `argv` starts with, and the arguments after its name; a ConfigError with a suggestion when there is none. */
function resolveCommand(argv: readonly string[]): { entry: (typeof COMMANDS)[number]; rest: string[] } {
  // Longest match first, so two-word commands ('rollout check') win over one-word prefixes.
  const entry = [...COMMANDS]
    .sort((a, b) => words(b.name).length - words(a.name).length)
    .find((c) => words(c.name).every((w, i) => argv[i] === w));
  if (entry) return { entry, rest: argv.slice(words(entry.name).length) };
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const typed = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  const notACommand = (name: string, hint: string | undefined, alternatives?: string): ConfigError =>
    new ConfigError([
      hint
        ? `'${name}' is not a krate-policy command (did you mean '${hint}'?); \`krate-policy --help\` lists them all`
        : `'${name}' is not a krate-policy command${alternatives ?? `\n${help()}`}`,
    ]);
  // A command group ('rollout'): its subcommands.
  const group = COMMANDS.filter((c) => words(c.name).length > 1 && words(c.name)[0] === typed[0]).map((c) => c.name);
  if (group.length > 0) {
    const list = group.map((c) => `'${c}'`).join(', ');
    if (typed.length === 1) throw new ConfigError([`'${typed[0]}' needs a subcommand: ${list} (see \`krate-policy help ${group[0]}\`)`]);
    const name = typed.slice(0, 2).join(' ');
    throw notACommand(name, closest(name, group), `; '${typed[0]}' has ${list}`);
  }
  // The closest command with as many words as were typed, else the closest one-word one.
  for (const n of [2, 1]) {
    if (typed.length < n) continue;
    const name = typed.slice(0, n).join(' ');
    const hint = closest(
      name,
      COMMANDS.map((c) => c.name).filter((c) => words(c).length === n),
    );
    if (hint) throw notACommand(name, hint);
  }
  throw notACommand(argv[0], undefined);
}

/** The package's version, read when asked (never from a build that could be stale). */
function version(): string {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
}

runMain(async () => {
  const argv = withoutDebug(process.argv.slice(2)).args;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || (argv[0] === 'help' && argv.length === 1)) {
    console.log(help());
    return EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    if (argv.length > 1) throw new ConfigError([`${argv[0]}: takes no arguments (got '${argv[1]}')`]);
    console.log(version());
    return EXIT.ok;
  }
  // `help <command>` is `<command> --help`.
  const asHelp = argv[0] === 'help';
  const { entry, rest } = resolveCommand(asHelp ? argv.slice(1) : argv);
  if (asHelp && rest.length > 0)
    throw new ConfigError([`help ${entry.name}: unexpected argument '${rest[0]}' (usage: krate-policy help <command>)`]);
  const command = await entry.load();
  if (asHelp || rest.includes('--help') || rest.includes('-h')) {
    console.log(`${entry.summary}\nusage: ${command.usage}`);
    return EXIT.ok;
  }
  return command.run(rest);
});
