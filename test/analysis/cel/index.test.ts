import { CelCompileError, CelEngine, isQuantity, toCelValue } from '../../../analysis/cel';

const engine = new CelEngine();
const run = (expr: string, object: unknown = {}) => engine.compile(expr)({ object: toCelValue(object) });

describe('CelEngine', () => {
  it('evaluates optional field syntax (optional types are on)', () => {
    expect(run("object.spec.?x.?y.orValue('d')", { spec: {} })).toBe('d');
    expect(run("object.metadata.?labels[?'a/b'].orValue('')", { metadata: { labels: { 'a/b': 'v' } } })).toBe('v');
  });

  it('treats whole numbers as CEL ints, so int comparisons and arithmetic work', () => {
    expect(run('object.port == 80 && object.port + 1 == 81', { port: 80 })).toBe(true);
    expect(toCelValue({ a: [1, 0.5] })).toEqual({ a: [1n, 0.5] });
  });

  it('copies only the paths to whole numbers and undefined values, never changing its input', () => {
    const input = {
      metadata: { name: 'a', labels: { x: 'y' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }, { name: 'd' }], gone: undefined, ratio: 0.5 },
      list: ['a', 'b', 3],
    };
    const before = JSON.stringify(input);
    const out = toCelValue(input) as typeof input & { spec: Record<string, unknown> };
    expect(out).toEqual({
      metadata: { name: 'a', labels: { x: 'y' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80n }] }, { name: 'd' }], ratio: 0.5 },
      list: ['a', 'b', 3n],
    });
    expect(Object.keys(out.spec)).toEqual(['containers', 'ratio']);
    expect(JSON.stringify(input)).toBe(before);
    expect(input.spec.containers[0].ports?.[0].containerPort).toBe(80);
    // Subtrees without numbers are shared, not copied; key order is kept wherever a copy is made.
    expect(out.metadata).toBe(input.metadata);
    expect(out.spec.containers[1]).toBe(input.spec.containers[1]);
    expect(out).not.toBe(input);
    const plain = { a: { b: ['x', null, true, 0.25] } };
    expect(toCelValue(plain)).toBe(plain);
    expect(Object.keys(toCelValue({ z: 1, a: 'x', m: 2 }) as object)).toEqual(['z', 'a', 'm']);
  });

  it('compiles each expression once', () => {
    const e = new CelEngine();
    const p = e.compile('1 + 1 == 2');
    expect(e.compile('1 + 1 == 2')).toBe(p);
    expect(e.compiledCount).toBe(1);
  });

  it('fails when an expression does not parse, naming the expression', () => {
    expect(() => engine.compile('object.x +')).toThrow(CelCompileError);
    expect(() => engine.compile('object.x +')).toThrow('CEL expression does not compile: Unexpected token: EOF\n  expression: object.x +');
  });

  it('fails when an expression calls a function Kubernetes CEL does not have', () => {
    expect(() => engine.compile('nosuch(1)')).toThrow("found no matching overload for 'nosuch(int)'");
  });
});

describe('Kubernetes CEL extensions', () => {
  it('sets.contains: every element of the second list is in the first', () => {
    expect(run("sets.contains(['a', 'b'], ['a'])")).toBe(true);
    expect(run("sets.contains(['a', 'b'], [])")).toBe(true);
    expect(run("sets.contains(['a'], ['a', 'c'])")).toBe(false);
    expect(run('sets.contains([1, 2], [2])')).toBe(true);
  });

  it('sets.intersects: at least one common element', () => {
    expect(run("sets.intersects(['a', 'b'], ['b', 'c'])")).toBe(true);
    expect(run("sets.intersects(['a'], ['c'])")).toBe(false);
    expect(run("sets.intersects([], ['c'])")).toBe(false);
  });

  it('sets.equivalent: same elements regardless of order and duplicates', () => {
    expect(run("sets.equivalent(['a', 'b', 'b'], ['b', 'a'])")).toBe(true);
    expect(run("sets.equivalent(['a'], ['a', 'b'])")).toBe(false);
  });

  it('isQuantity accepts Kubernetes quantities and rejects anything else', () => {
    for (const q of ['1', '500m', '1.5', '.5', '256Mi', '1Gi', '1G', '2e3', '1E', '+1k', '-1'])
      expect([q, isQuantity(q)]).toEqual([q, true]);
    for (const q of ['', 'lots', '1GB', '1 Gi', 'Mi', '1.2.3', '1mi']) expect([q, isQuantity(q)]).toEqual([q, false]);
    expect(run("isQuantity('256Mi') && !isQuantity('256MB')")).toBe(true);
  });
});
