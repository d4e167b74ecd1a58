import { parseArgs } from '../../cli/args';
import { ConfigError } from '../../lib/errors';

const USAGE = 'krate-policy demo [--env <env>] [--policy <name>]... [--all]';
const SPEC = { values: ['env', 'output'], booleans: ['all'], repeatable: ['policy'] };

function problem(args: string[]): string {
  try {
    parseArgs(args, SPEC, USAGE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.join('\n');
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(args)}`);
}

describe('parseArgs', () => {
  it('reads values, booleans, repeatable flags and positionals', () => {
    const parsed = parseArgs(['--env', 'dev', 'a.yaml', '--policy', 'p1', '--all', '--policy=p2', '-', '--', '--not-a-flag'], SPEC, USAGE);
    expect([...parsed.flags]).toEqual([
      ['env', 'dev'],
      ['all', true],
    ]);
    expect([...parsed.lists]).toEqual([['policy', ['p1', 'p2']]]);
    expect(parsed.positional).toEqual(['a.yaml', '-', '--not-a-flag']);
  });

  it('fails when a single-value flag is repeated, naming the flag and both values', () => {
    expect(problem(['--env', 'dev', '--env', 'prod'])).toBe(`--env: given twice ('dev', then 'prod'); give it once\nusage: ${USAGE}`);
  });

  it('fails when a flag is unknown, suggesting the closest known one', () => {
    expect(problem(['--ouput', 'json'])).toBe(`--ouput: unknown option (did you mean --output?)\nusage: ${USAGE}`);
    expect(problem(['--polcy=x'])).toBe(`--polcy: unknown option (did you mean --policy?)\nusage: ${USAGE}`);
    expect(problem(['--zzz'])).toBe(`--zzz: unknown option\nusage: ${USAGE}`);
  });

  it('fails when a value is missing, empty or another option', () => {
    expect(problem(['--env'])).toBe(`--env: needs a value\nusage: ${USAGE}`);
    expect(problem(['--env='])).toBe(`--env: needs a value, got an empty string\nusage: ${USAGE}`);
    expect(problem(['--policy', ''])).toBe(`--policy: needs a value, got an empty string\nusage: ${USAGE}`);
    expect(problem(['--env', '--all'])).toBe(
      `--env: needs a value, got the option '--all' (write --env=<value> if the value starts with --)\nusage: ${USAGE}`,
    );
  });

  it('fails when a boolean flag is given a value', () => {
    expect(problem(['--all=false'])).toBe(`--all: takes no value (got 'false'); write --all alone\nusage: ${USAGE}`);
  });
});
