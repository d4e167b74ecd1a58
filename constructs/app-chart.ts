import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../config/resolve';

export interface AppChartProps {
  /** The environment this chart renders for; its name is the folder under dist/. */
  readonly env: ResolvedEnvironment;
  /** The Argo CD application that syncs this chart; its name is the folder under dist/<env>/. */
  readonly app: string;
  /**
   * Namespace for namespaced objects that do not set one.
   * @default none (objects keep what they set)
   */
  readonly namespace?: string;
}

/** A chart whose objects one Argo CD application syncs from dist/<env>/<app>/. */
export class AppChart extends Chart {
  readonly env: ResolvedEnvironment;
  readonly app: string;

  constructor(scope: Construct, id: string, props: AppChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.env = props.env;
    this.app = props.app;
  }

  /** Path of this chart's folder relative to dist/. */
  get distPath(): string {
    return `${this.env.name}/${this.app}`;
  }
}
