// The configuration reference the README shows, derived from the specs in environments/types.ts
// (test/repo/readme.test.ts keeps the README's copy identical).
import { ENVIRONMENT, EXCEPTION_REQUEST, ROLLOUT_ENTRY } from '../environments/types';
import { describeFields, type Fields } from '../lib/spec';

function table(title: string, fields: Fields): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = describeFields(fields).map(
    (f) => `| \`${f.path}\` | ${cell(f.type)} | ${f.required ? 'required' : cell(f.default ?? '—')} | ${cell(f.doc)} |`,
  );
  return [`**${title}**`, '', '| field | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README's configuration reference (between its config-reference markers). */
export function configReference(): string {
  return [
    table('Environment (`environments/<name>.ts`, `export default`)', ENVIRONMENT.fields),
    table("Rollout entry (`environments/rollout.ts`, `ROLLOUT['<template>']`)", ROLLOUT_ENTRY.fields),
    table('Exception request (`environments/exceptions.ts`, `EXCEPTIONS[]`)', EXCEPTION_REQUEST.fields),
  ].join('\n\n');
}
