import { findTool } from './external-tool';

describe('findTool', () => {
  it('finds an installed program on PATH', () => {
    expect(findTool({ command: 'node', install: '' })).toMatch(/\/node$/);
  });

  it('returns undefined for a program that is not installed', () => {
    expect(findTool({ command: 'krate-no-such-tool', install: '' })).toBeUndefined();
  });
});
