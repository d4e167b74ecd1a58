import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { helm, helmAsync, type HelmResult } from '../lib/helm';
import { fastLoadAll } from '../lib/yaml-fast';

export interface HelmReleaseProps {
  /** Path to a local chart folder. */
  readonly chart: string;
  /** Helm release name (explicit: names are a contract). */
  readonly releaseName: string;
  /** Namespace the release renders into. */
  readonly namespace: string;
  /**
   * Values, as typed data.
   * @default {} (the chart's values.yaml)
   */
  readonly values?: Record<string, unknown>;
}

/** Construct context key under which a pre-rendered HelmRenders is found (see prerenderHelm). */
export const HELM_RENDERS_CONTEXT = 'krate.a5c.ai/helm-renders';

/** A finished `helm template`: its status and stderr, and the parsed documents when it succeeded. */
export interface HelmRender extends Omit<HelmResult, 'stdout'> {
  /** One entry per YAML document, in output order (null for empty documents). */
  readonly documents: readonly unknown[];
}

/** `helm template` outputs by request (helmRequestKey), rendered ahead of construction. */
export type HelmRenders = ReadonlyMap<string, HelmRender>;

/**
 * Parses helm's output. A line that is exactly `---` is always a document marker in YAML (it
 * cannot occur inside a scalar), so the output splits there into independent chunks; chunks with
 * the same text (the CRDs every environment renders) are parsed once per `memo` and copied.
 */
export function parseHelmOutput(stdout: string, memo: Map<string, readonly unknown[]> = new Map()): unknown[] {
  const documents: unknown[] = [];
  for (const chunk of stdout.split(/^(?=---$)/m)) {
    const cached = memo.get(chunk);
    if (cached) {
      documents.push(...structuredClone(cached));
      continue;
    }
    // The block reader reads helm's plain block YAML exactly as `yaml` does (1.1 scalars by yaml's own tags); what it declines, yaml reads.
    const parsed = fastLoadAll(chunk, '1.1') ?? parseAllDocuments(chunk, { version: '1.1' }).map((doc) => doc.toJS() as unknown);
    memo.set(chunk, parsed);
    documents.push(...parsed);
  }
  return documents;
}

function helmArgs(props: HelmReleaseProps): string[] {
  return ['template', props.releaseName, props.chart, '--namespace', props.namespace];
}

/** Identifies one render: the same chart, release, namespace and values always render the same. */
export function helmRequestKey(props: HelmReleaseProps): string {
  return JSON.stringify([props.chart, props.releaseName, props.namespace, props.values ?? {}]);
}

/**
 * Runs `helm template` for every request at once (helm is a separate process, so the renders
 * overlap instead of queueing) and returns the outputs for HelmRelease to read from the
 * construct context. Construction itself stays synchronous.
 */
export async function prerenderHelm(requests: readonly HelmReleaseProps[]): Promise<HelmRenders> {
  const unique = new Map(requests.map((r) => [helmRequestKey(r), r]));
  const memo = new Map<string, readonly unknown[]>();
  // Each output is parsed as soon as it arrives, while the other helm processes still run.
  const rendered = await Promise.all(
    [...unique].map(async ([key, r]) => {
      const { status, stdout, stderr } = await helmAsync(helmArgs(r), r.values ?? {});
      return [key, { status, stderr, documents: status === 0 ? parseHelmOutput(stdout, memo) : [] }] as const;
    }),
  );
  return new Map(rendered);
}

const taken = new WeakSet<HelmRender>();

/** A pre-rendered result, copied when a second release with the same request reads it. */
function take(r: HelmRender | undefined): HelmRender | undefined {
  if (!r || !taken.has(r)) return r && (taken.add(r), r);
  return { ...r, documents: structuredClone(r.documents) };
}

function render(props: HelmReleaseProps): HelmRender {
  const { status, stdout, stderr } = helm(helmArgs(props), props.values ?? {});
  return { status, stderr, documents: status === 0 ? parseHelmOutput(stdout) : [] };
}

/**
 * A local Helm chart rendered with the project's helm (`helm template`), its objects added to this
 * construct's chart. Unlike cdk8s's Helm construct it reads helm's output directly instead of
 * spawning a second Node process per chart (~130 ms each), which matters for fleets.
 */
export class HelmRelease extends Construct {
  readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id);
    const renders = this.node.tryGetContext(HELM_RENDERS_CONTEXT) as HelmRenders | undefined;
    const r = take(renders?.get(helmRequestKey(props))) ?? render(props);
    if (r.status !== 0) throw new Error(`helm template ${props.chart} failed:\n${r.stderr.trim()}`);
    const objects: ApiObject[] = [];
    r.documents.forEach((doc: unknown, i) => {
      if (!doc || typeof doc !== 'object') return;
      const obj = doc as { kind: string; apiVersion: string; metadata?: { name?: string } };
      objects.push(new ApiObject(this, `${i}-${obj.kind}-${obj.metadata?.name}`, obj as never));
    });
    this.apiObjects = objects;
  }
}
