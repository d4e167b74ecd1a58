export * from './app-chart';
export * from './app-footprint';
export * from './argo-application';
export * from './argo-application-set';
export * from './argo-project';
export * from './krate-environment';
export * from './krate-kyverno';
export * from './helm-release';
