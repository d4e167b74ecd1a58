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
  return `${BEGIN}\n/** Values of charts/krate-kyverno, exactly as its values.schema.json allows them. */\nexport type KrateKyvernoValues = ${toTs(schema, schema, '')};\n${END}`;
}

describe('KrateKyvernoValues type', () => {
  it('matches what values.schema.json generates', () => {
    const source = readFileSync(TARGET, 'utf8');
    const start = source.indexOf(BEGIN);
    const end = source.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    const current = source.slice(start, end + END.length);
    const expected = generated();
    if (current !== expected && process.env.UPDATE_VALUES_TYPE === '1') {
      writeFileSync(TARGET, source.replace(current, expected));
      return;
    }
    if (current !== expected) {
      throw new Error(
        `constructs/krate-kyverno.ts: KrateKyvernoValues differs from charts/krate-kyverno/values.schema.json.\nFix: UPDATE_VALUES_TYPE=1 npx jest test/constructs/krate-kyverno-values-type.test.ts`,
      );
    }
  });
});
