// The TypeScript type of the krate-kyverno chart values is generated from the chart's
// values.schema.json and checked here, so the two cannot drift: change the schema, run
// `UPDATE_VALUES_TYPE=1 npx jest test/constructs/krate-kyverno-values-type.test.ts`, commit both.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHARTS_DIR, REPO_ROOT } from '../../lib/paths';

interface Schema {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly $ref?: string;
  readonly definitions?: Record<string, Schema>;
}

const SCHEMA_FILE = join(CHARTS_DIR, 'krate-kyverno', 'values.schema.json');
const TARGET = join(REPO_ROOT, 'constructs', 'krate-kyverno.ts');
const BEGIN = '// <generated from charts/krate-kyverno/values.schema.json by test/constructs/krate-kyverno-values-type.test.ts>';
const END = '// </generated>';

/** Renders a JSON schema (the subset values.schema.json uses) as a TypeScript type expression. */
function toTs(schema: Schema, root: Schema, indent: string): string {
  if (schema.$ref) return toTs(root.definitions![schema.$ref.replace('#/definitions/', '')], root, indent);
  if (schema.enum) return schema.enum.map((v) => `'${v}'`).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'number':
      return 'number';
    case 'array':
      return `readonly (${toTs(schema.items ?? {}, root, indent)})[]`;
    case 'object': {
      if (!schema.properties) return 'Readonly<Record<string, unknown>>';
      const inner = `${indent}  `;
      const lines = Object.entries(schema.properties).map(
        ([k, v]) => `${inner}readonly ${k}${schema.required?.includes(k) ? '' : '?'}: ${toTs(v, root, inner)};`,
      );
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    default:
      throw new Error(`values.schema.json: unsupported schema ${JSON.stringify(schema)}; extend toTs()`);
  }
}

function generated(): string {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema;
  return `${BEGIN}\n/** Values of charts/krate-kyverno, exactly as its values.schema.json allows them (generated: prettier leaves it as generated). */\n// prettier-ignore\nexport type KrateKyvernoValues = ${toTs(schema, schema, '')};\n${END}`;
}

/** The drift message for a source file, or undefined when its generated region is current. */
function drift(source: string): string | undefined {
  const start = source.indexOf(BEGIN);
  const end = source.indexOf(END);
  if (start < 0 || end < 0)
    return `constructs/krate-kyverno.ts: the generated KrateKyvernoValues region is missing (restore the ${BEGIN} / ${END} markers)`;
  if (source.slice(start, end + END.length) === generated()) return undefined;
  return 'constructs/krate-kyverno.ts: KrateKyvernoValues differs from charts/krate-kyverno/values.schema.json.\nFix: UPDATE_VALUES_TYPE=1 npx jest test/constructs/krate-kyverno-values-type.test.ts';
}

describe('KrateKyvernoValues type', () => {
  it('matches what values.schema.json generates', () => {
    const source = readFileSync(TARGET, 'utf8');
    if (drift(source) && process.env.UPDATE_VALUES_TYPE === '1') {
      writeFileSync(TARGET, source.slice(0, source.indexOf(BEGIN)) + generated() + source.slice(source.indexOf(END) + END.length));
    }
    expect(drift(readFileSync(TARGET, 'utf8'))).toBeUndefined();
  });

  it('fails when the type no longer matches the schema', () => {
    const edited = readFileSync(TARGET, 'utf8').replace("'auto' | 'disabled' | 'byo' | 'managed'", "'auto' | 'disabled' | 'byo'");
    expect(drift(edited)).toContain('KrateKyvernoValues differs from charts/krate-kyverno/values.schema.json');
  });
});
