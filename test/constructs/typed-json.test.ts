import { App, Chart } from 'cdk8s';
import { Application, type ApplicationSpec } from '../../imports/argoproj.io';
import { checkSerializedSpec } from '../../constructs/typed-json';

const spec = {
  project: 'p',
  source: { repoURL: 'https://charts.example.com', chart: 'c', targetRevision: '1.0.0', helm: { valuesObject: { a: { b: [1, 2] } } } },
  destination: { server: 'https://kubernetes.default.svc', namespace: 'n' },
};

function application(props: ApplicationSpec): Application {
  return new Application(new Chart(new App(), 'c'), 'a', { metadata: { name: 'a' }, spec: props });
}

describe('checkSerializedSpec', () => {
  it('keeps a spec that the typed class writes back unchanged (repoURL given as repoUrl)', () => {
    const app = application({ ...spec, source: { ...spec.source, repoUrl: spec.source.repoURL } } as ApplicationSpec);
    expect(() => checkSerializedSpec(app, spec, 'fixture')).not.toThrow();
    expect((app.toJson() as { spec: unknown }).spec).toEqual(spec);
  });

  it('fails when the typed class would drop a field passed under its JSON name', () => {
    const app = application(spec as unknown as ApplicationSpec);
    expect(() => checkSerializedSpec(app, spec, 'fixture')).toThrow(
      "fixture: spec.source.repoURL is 'https://charts.example.com' but would be written as undefined: the generated Application class in imports/ does not carry the field (map it to the class's property name, or regenerate imports/ with npm run import:crds)",
    );
  });

  it('fails when the typed class does not know a field', () => {
    const json = { ...spec, source: { ...spec.source, futureField: true } };
    const app = application({ ...json, source: { ...json.source, repoUrl: json.source.repoURL } } as ApplicationSpec);
    expect(() => checkSerializedSpec(app, json, 'fixture')).toThrow(
      'fixture: spec.source.futureField is true but would be written as undefined',
    );
  });
});
