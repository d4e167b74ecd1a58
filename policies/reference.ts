// The README's template tables and field contracts, derived from the templates themselves
// (`npx krate-policy generate` writes them between the README's templates markers and
// test/repo/template-folders.test.ts checks them), so adding a template never means editing a table.
import { POLICY_PACKS } from './packs';
import { policyKindOf, readsCluster } from './render';
import type { ParameterSpec, PolicyTemplate } from './template';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function parameterCell(name: string, spec: ParameterSpec): string {
  const fallback = spec.requiredBeforeEnforce ? ': a placeholder; required before enforce' : ` \`${JSON.stringify(spec.default)}\``;
  return `\`${name}\` (default${fallback})`;
}

function row(t: PolicyTemplate): string {
  const kind = policyKindOf(t);
  const notes = [...(kind === 'ValidatingPolicy' ? [] : [kind]), ...(readsCluster(t) ? ['context-aware: reads the cluster'] : [])];
  const title = notes.length === 0 ? t.title : `${t.title} (${notes.join('; ')})`;
  const params = Object.entries(t.parameters ?? {}).map(([name, spec]) => parameterCell(name, spec));
  return `| \`${t.name}\` | ${t.severity} | ${cell(title)} | ${params.length ? cell(params.join(', ')) : '—'} |`;
}

/** The README's block between `<!-- templates:start -->` and `<!-- templates:end -->`: one table per pack, then the field contracts. */
export function templatesReference(templates: readonly PolicyTemplate[]): string {
  const out: string[] = [];
  for (const pack of POLICY_PACKS) {
    const rows = templates.filter((t) => t.pack === pack);
    if (rows.length === 0) continue;
    out.push(`**${pack}**`, '', '| template | severity | checks | parameters |', '| --- | --- | --- | --- |', ...rows.map(row), '');
  }
  const documented = templates.filter((t) => (t.fields ?? []).length > 0);
  if (documented.length > 0) {
    out.push('Field contract of the templates that declare one (what each reads from the objects it checks):', '');
    for (const t of documented) {
      out.push(`- \`${t.name}\` (${t.subject}${policyKindOf(t) === 'ValidatingPolicy' ? '' : `; an \`${policyKindOf(t)}\``}):`);
      for (const f of t.fields ?? []) out.push(`  - ${f}`);
    }
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '');
}
