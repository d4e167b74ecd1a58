import { policyName } from '../../policies/naming';

describe('policyName', () => {
  it('is krate-{org}-{scope}-{template} when it fits', () => {
    expect(policyName('a5c', 'cluster', 'require-labels')).toBe('krate-a5c-cluster-require-labels');
  });

  it('truncates to 63 characters with a stable hash when longer', () => {
    const name = policyName('a-very-long-organisation-name', 'cluster', 'production-deployment-image-verified');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^krate-a-very-long-organisation-name-cluster-.*-[0-9a-f]{8}$/);
    expect(policyName('a-very-long-organisation-name', 'cluster', 'production-deployment-image-verified')).toBe(name);
    expect(policyName('a-very-long-organisation-name', 'cluster', 'production-deployment-image-verifiee')).not.toBe(name);
  });
});
