import { assertCelResult, CEL_DECLARATIONS, celEnvironment, celEvaluationEnvironment, celResultProblem, celTypeOf } from '../../lib/cel';

describe('the Kyverno CEL environment (lib/cel.ts)', () => {
  it('declares the root variables Kyverno v1.19 declares for each scope', () => {
    expect(Object.keys(CEL_DECLARATIONS.ValidatingPolicy).sort()).toEqual([
      'exceptions',
      'namespaceObject',
      'object',
      'oldObject',
      'request',
    ]);
    expect(Object.keys(CEL_DECLARATIONS.ImageValidatingPolicy).sort()).toEqual([
      'attestations',
      'attestors',
      'images',
      'namespaceObject',
      'object',
      'oldObject',
      'request',
    ]);
    expect(Object.keys(CEL_DECLARATIONS.PolicyException).sort()).toEqual(['namespaceObject', 'object', 'oldObject', 'request']);
    // A CRD validation rule sees only the value at its schema node (and the old one in a transition rule).
    expect(Object.keys(CEL_DECLARATIONS.CustomResourceRule).sort()).toEqual(['oldSelf', 'self']);
    expect(celResultProblem(celEnvironment('CustomResourceRule'), 'request.namespace == oldSelf', ['bool'])?.message).toContain(
      'Unknown variable: request',
    );
  });

  it('types request and namespaceObject as Kubernetes does, and object as dyn', () => {
    const env = celEnvironment('ValidatingPolicy');
    expect(celTypeOf(env, 'request.userInfo.groups')).toEqual({ type: 'list<string>' });
    expect(celTypeOf(env, 'request.dryRun')).toEqual({ type: 'bool' });
    expect(celTypeOf(env, "namespaceObject.metadata.labels['a']")).toEqual({ type: 'string' });
    expect(celTypeOf(env, 'object.anything.at.all')).toEqual({ type: 'dyn' });
  });

  it('types variables with the fields given, in order', () => {
    const env = celEnvironment('ValidatingPolicy', { variables: { ok: 'bool', team: 'string' } });
    expect(celTypeOf(env, 'variables.ok')).toEqual({ type: 'bool' });
    expect(celTypeOf(env, 'variables.team')).toEqual({ type: 'string' });
    expect(celTypeOf(env, 'variables.other')).toEqual({ error: 'No such key: other' });
  });

  it('fails when a result is not exactly the type asked for (dyn included)', () => {
    const env = celEnvironment('ValidatingPolicy');
    expect(celResultProblem(env, "object.kind == 'Pod'", ['bool'])).toBeUndefined();
    expect(celResultProblem(env, "'a'", ['bool'])).toEqual({ kind: 'type', message: 'returns string, must return bool' });
    expect(celResultProblem(env, 'object.spec.enabled', ['bool'])).toEqual({ kind: 'type', message: 'returns dyn, must return bool' });
    expect(celResultProblem(env, 'null', ['string', 'null'])).toBeUndefined();
    expect(celResultProblem(env, 'object.x +', 'any')).toMatchObject({ kind: 'compile' });
    expect(() => assertCelResult(env, "'a'", ['bool'])).toThrow('returns string, must return bool');
  });

  it("types a whole-expression orValue as dyn where Kyverno's compat macro does (ValidatingPolicy, PolicyException), not in Kubernetes", () => {
    const expression = "request.userInfo.?username.orValue('')";
    expect(celTypeOf(celEnvironment('ValidatingPolicy'), expression)).toEqual({ type: 'dyn' });
    expect(celTypeOf(celEnvironment('PolicyException'), expression)).toEqual({ type: 'dyn' });
    expect(celTypeOf(celEnvironment('ValidatingAdmissionPolicy'), expression)).toEqual({ type: 'string' });
    expect(celTypeOf(celEnvironment('ValidatingPolicy'), `${expression} == 'x'`)).toEqual({ type: 'bool' });
  });

  it('fails when an expression reads a variable its scope does not declare', () => {
    expect(celTypeOf(celEnvironment('PolicyException'), 'images.x')).toEqual({ error: 'Unknown variable: images' });
    expect(celTypeOf(celEnvironment('ValidatingPolicy'), 'params.x')).toEqual({ error: 'Unknown variable: params' });
    expect(celTypeOf(celEnvironment('ValidatingAdmissionPolicy', { params: true }), 'params.x')).toEqual({ type: 'dyn' });
  });

  it('evaluates with the same options and extension functions (scan), every root variable dyn', () => {
    const env = celEvaluationEnvironment();
    expect(
      env.evaluate("object.?spec.?x.orValue('d') == 'd' && sets.contains(['a', 'b'], ['a']) && isQuantity('1Gi')", {
        object: { spec: {} },
      }),
    ).toBe(true);
    expect(env.evaluate("[1, 'a'].size()")).toBe(2n);
  });

  it('refuses to evaluate image verification offline', () => {
    const env = celEnvironment('ImageValidatingPolicy');
    expect(() => env.evaluate("verifyImageSignatures('i', [])", { object: {} })).toThrow(
      "verifyImageSignatures runs in Kyverno's admission controller only",
    );
  });
});
