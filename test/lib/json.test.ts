import { arr, isObject, obj, str } from '../../lib/json';

describe('json accessors', () => {
  it('keeps a mapping and reads a field of any other value as undefined', () => {
    const doc: unknown = { spec: { name: 'a' }, list: [1], text: 'x', none: null };
    expect(obj(doc)?.spec).toEqual({ name: 'a' });
    expect(obj(obj(doc)?.spec)?.name).toBe('a');
    for (const v of [[1], 'x', null, undefined, 3, true]) {
      expect([v, isObject(v)]).toEqual([v, false]);
      expect([v, obj(v)?.name]).toEqual([v, undefined]);
    }
  });

  it('keeps a list or a string and answers undefined for any other value', () => {
    expect(arr([1, 'a'])).toEqual([1, 'a']);
    expect(str('')).toBe('');
    for (const v of [{}, 'x', null, undefined, 1]) expect([v, arr(v)]).toEqual([v, undefined]);
    for (const v of [{}, ['x'], null, undefined, 1]) expect([v, str(v)]).toEqual([v, undefined]);
  });
});
