// The CEL engine `krate-policy test` compiles Kyverno policies with: the project's CelEngine
// (lib/cel, with its fast path) extended with the Kyverno v1.19 ValidatingPolicy environment.
import { CelEngine } from '../../lib/cel';
import { fail } from './cel-types';
import { registerKyvernoLibraries } from './kyverno-libs';
import { fn, registerKubernetesLibraries } from './libraries';

/** Variables Kyverno binds beyond the admission ones (object, oldObject, request, namespaceObject, variables). */
export const KYVERNO_VARIABLES = ['exceptions', 'images', 'attestors', 'attestations'] as const;

const OFFLINE = 'verifies signatures against the image registry and transparency log, which krate-policy test cannot reach offline';

/** A CelEngine that compiles Kyverno's CEL (one per process: programs are cached by source text). */
export function createKyvernoCelEngine(options: { readonly fastPath?: boolean } = {}): CelEngine {
  return new CelEngine({
    ...options,
    extend(env) {
      for (const name of KYVERNO_VARIABLES) env.registerVariable(name, 'dyn');
      registerKubernetesLibraries(env);
      registerKyvernoLibraries(env, 'kubernetes.MathLibrary');
      // ImageValidatingPolicy verification functions: declared so policies compile, an error when called.
      fn(env, null, 'verifyImageSignatures', ['string', 'list'], 'int', () => fail(`verifyImageSignatures ${OFFLINE}`));
      fn(env, null, 'verifyAttestationSignatures', ['string', 'string', 'list'], 'bool', () => fail(`verifyAttestationSignatures ${OFFLINE}`));
      fn(env, null, 'extractPayload', ['string', 'string'], 'dyn', () => fail(`extractPayload ${OFFLINE}`));
    },
  });
}
