export * from './app-chart';
export * from './argo-application';
export * from './krate-environment';
export * from './krate-kyverno';
export * from './helm-release';
export * from './policies/krate-policies';
