import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import type { EnvironmentConfig } from './types';

export * from './types';

/** Every environment, in promotion order (the rollout ladder walks them in this order). */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, prod];
