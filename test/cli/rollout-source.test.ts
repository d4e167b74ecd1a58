import { ROLLOUT } from '../support/fixtures';
import { rolloutSource } from '../support/fixture-repo';
import { parseRolloutSource, rewriteRolloutEntry, verifyRewrite } from '../../cli/rollout-source';

// A rollout file as people write it, holding the fixture rollout.
const text = rolloutSource(ROLLOUT);

describe('reading environments/rollout.ts as data', () => {
  it('evaluates a rollout file to exactly the data it holds', () => {
    expect(parseRolloutSource(text, 'rollout.ts')).toEqual(JSON.parse(JSON.stringify(ROLLOUT)));
  });

  it('fails when the file imports a module at run time', () => {
    expect(() =>
      parseRolloutSource(`import { STAGES } from '../lib/ladder';\nexport const ROLLOUT = { x: STAGES };`, 'HEAD:environments/rollout.ts'),
    ).toThrow(
      "HEAD:environments/rollout.ts: imports '../lib/ladder' at run time; data files must stay plain data (type-only imports are fine)",
    );
  });

  it('fails when the file never finishes evaluating', () => {
    expect(() => parseRolloutSource('while (true) {}\nexport const ROLLOUT = {};', 'x.ts')).toThrow(
      'x.ts: did not finish within 1000 ms (a loop?)',
    );
  });

  it('fails when the file does not export ROLLOUT', () => {
    expect(() => parseRolloutSource('export const OTHER = {};', 'x.ts')).toThrow('x.ts: does not export ROLLOUT');
  });
});

describe('rewriting one entry', () => {
  it('changes only the promoted entry', () => {
    const next = rewriteRolloutEntry(text, 'require-labels', 'enforce:prod', '2026-11-22');
    expect(next).toContain("'require-labels': { stage: 'enforce:prod', since: '2026-11-22', auditNamespaces: ['job-runner'] },");
    expect(next.split('\n').filter((l, i) => l !== text.split('\n')[i])).toHaveLength(1);
    verifyRewrite(next, { ...ROLLOUT, 'require-labels': { ...ROLLOUT['require-labels'], stage: 'enforce:prod', since: '2026-11-22' } });
  });

  it('adds a template the file does not list yet', () => {
    const source = "export const ROLLOUT = {\n  'a': { stage: 'audit:dev', since: '2026-11-01' },\n};\n";
    const next = rewriteRolloutEntry(source, 'require-labels', 'audit:dev', '2026-11-22');
    expect(parseRolloutSource(next, 'x.ts')).toEqual({
      a: { stage: 'audit:dev', since: '2026-11-01' },
      'require-labels': { stage: 'audit:dev', since: '2026-11-22' },
    });
  });
});
