import { closest, didYouMean, editDistance } from '../../lib/suggest';

describe('editDistance', () => {
  it.each([
    ['check', 'check', 0],
    ['chek', 'check', 1],
    ['stauts', 'status', 1],
    ['ouput', 'output', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest', () => {
  const names = ['synth', 'status', 'scan', 'rollout check'];

  it('suggests the candidate a typo is closest to', () => {
    expect(closest('stauts', names)).toBe('status');
    expect(closest('rollout chek', names)).toBe('rollout check');
  });

  it('suggests nothing when no candidate is close enough to be a typo', () => {
    expect(closest('synthesize', names)).toBeUndefined();
    expect(closest('ls', names)).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });

  it('prefers the first candidate on a tie', () => {
    expect(closest('ab', ['ac', 'ad'])).toBe('ac');
  });

  it('formats the hint for an "unknown …" message', () => {
    expect(didYouMean('stauts', names)).toBe(" (did you mean 'status'?)");
    expect(didYouMean('ouput', ['output'], (s) => `--${s}`)).toBe(' (did you mean --output?)');
    expect(didYouMean('zzz', names)).toBe('');
  });
});
