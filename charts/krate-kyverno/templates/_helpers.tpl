{{- define "krate-kyverno.labels" -}}
app.kubernetes.io/name: krate-kyverno
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: krate
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* "true" when Krate integrates with a Kyverno at all (every mode but disabled). */}}
{{- define "krate-kyverno.integrates" -}}
{{- if ne .Values.externalDependencies.kyverno.mode "disabled" }}true{{ end -}}
{{- end -}}

{{/* "true" when Krate may write Kyverno objects: only a Kyverno it installs (byo and auto are read-only). */}}
{{- define "krate-kyverno.writes" -}}
{{- if eq .Values.externalDependencies.kyverno.mode "managed" }}true{{ end -}}
{{- end -}}

{{/* "true" when this chart installs Kyverno through Argo CD. */}}
{{- define "krate-kyverno.argocdInstall" -}}
{{- $k := .Values.externalDependencies.kyverno -}}
{{- if and (eq $k.mode "managed") (eq $k.managed.installMethod "argocd") }}true{{ end -}}
{{- end -}}

{{/*
Namespaces Kyverno must never act on, sorted: the configured list plus the ones no value may drop
(kube-system, Kyverno's own namespace, the policy namespace).
*/}}
{{- define "krate-kyverno.excludedNamespaces" -}}
{{- $k := .Values.externalDependencies.kyverno -}}
{{- $ns := concat ($k.excludedNamespaces | default list) (list "kube-system" $k.namespace $k.policyNamespace) -}}
{{- toJson (sortAlpha (uniq $ns)) -}}
{{- end -}}

{{/* Upstream's ReplicaSet resource filters, every spelling a 3.x chart used (see upstreamValues). */}}
{{- define "krate-kyverno.replicaSetFilters" -}}
{{- toJson (list "[ReplicaSet,*,*]" "[ReplicaSet/*,*,*]" "[ReplicaSet/?*,*,*]") -}}
{{- end -}}

{{/*
Upstream Kyverno chart values for managed mode: HA replicas, GitOps-safe config, exclusions and
exceptions in one namespace; managed.values is merged last and wins.
*/}}
{{- define "krate-kyverno.upstreamValues" -}}
{{- $k := .Values.externalDependencies.kyverno -}}
{{- $m := $k.managed -}}
{{- $excluded := include "krate-kyverno.excludedNamespaces" . | fromJsonArray -}}
{{- /* Upstream's default config.resourceFilters (Events, Nodes, APIServices, TokenReviews,
SubjectAccessReviews, Kyverno's own objects, ...) stay: the chart adds to them and drops from them
with resourceFiltersIncludeNamespaces / resourceFiltersExclude (kyverno chart >= 3.2.0) instead of
restating the list, so the defaults follow the pinned chart. Dropped: upstream's ReplicaSet filters
(3.9.0 spells the subresource one [ReplicaSet/?*,*,*], older charts [ReplicaSet/*,*,*]), because
Krate's Pod policies autogenerate rules for ReplicaSets and `krate-policy scan` evaluates them, so
admission must see ReplicaSets too. Added: one all-kinds filter per excluded namespace (a namespace
upstream already filters is then listed twice, which Kyverno reads as one filter). */ -}}
{{- $base := dict
  "crds" (dict "install" true)
  "admissionController" (dict "replicas" $m.replicas.admissionController)
  "backgroundController" (dict "replicas" $m.replicas.backgroundController)
  "cleanupController" (dict "replicas" $m.replicas.cleanupController)
  "reportsController" (dict "replicas" $m.replicas.reportsController)
  "config" (dict
    "preserve" false
    "excludeKyvernoNamespace" true
    "resourceFiltersExclude" (include "krate-kyverno.replicaSetFilters" . | fromJsonArray)
    "resourceFiltersIncludeNamespaces" $excluded
    "webhooks" (dict "namespaceSelector" (dict "matchExpressions" (list (dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" $excluded)))))
  "features" (dict "policyExceptions" (dict "enabled" true "namespace" $k.policyNamespace))
-}}
{{- toJson (mergeOverwrite $base (deepCopy ($m.values | default dict))) -}}
{{- end -}}

{{/* Every Kyverno policy kind, as RBAC resources (cluster-wide and namespaced variants). */}}
{{- define "krate-kyverno.kyvernoRules.read" -}}
- apiGroups: [kyverno.io]
  resources: [clusterpolicies, policies, policyexceptions]
  verbs: [get, list, watch]
- apiGroups: [policies.kyverno.io]
  resources: [validatingpolicies, namespacedvalidatingpolicies, mutatingpolicies, namespacedmutatingpolicies, generatingpolicies, namespacedgeneratingpolicies, deletingpolicies, namespaceddeletingpolicies, imagevalidatingpolicies, namespacedimagevalidatingpolicies, policyexceptions]
  verbs: [get, list, watch]
- apiGroups: [wgpolicyk8s.io]
  resources: [policyreports, clusterpolicyreports]
  verbs: [get, list, watch]
- apiGroups: [openreports.io]
  resources: [reports, clusterreports]
  verbs: [get, list, watch]
{{- end -}}

{{/* Krate's own policy kinds, read-only. */}}
{{- define "krate-kyverno.krateRules.read" -}}
- apiGroups: [krate.a5c.ai]
  resources: [policytemplates, policyprofiles, policybindings, policyexceptionrequests]
  verbs: [get, list, watch]
{{- end -}}

{{/* Kyverno's CRDs, by name: enough for discovery (is Kyverno there, which kinds are served). */}}
{{- define "krate-kyverno.kyvernoCrdNames" -}}
- clusterpolicies.kyverno.io
- policies.kyverno.io
- policyexceptions.kyverno.io
- validatingpolicies.policies.kyverno.io
- namespacedvalidatingpolicies.policies.kyverno.io
- mutatingpolicies.policies.kyverno.io
- namespacedmutatingpolicies.policies.kyverno.io
- generatingpolicies.policies.kyverno.io
- namespacedgeneratingpolicies.policies.kyverno.io
- deletingpolicies.policies.kyverno.io
- namespaceddeletingpolicies.policies.kyverno.io
- imagevalidatingpolicies.policies.kyverno.io
- namespacedimagevalidatingpolicies.policies.kyverno.io
- policyexceptions.policies.kyverno.io
- policyreports.wgpolicyk8s.io
- clusterpolicyreports.wgpolicyk8s.io
- reports.openreports.io
- clusterreports.openreports.io
{{- end -}}

{{/*
"true" when the chart renders its ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, GA
in Kubernetes 1.30; the chart supports 1.28+). auto: where the cluster serves the v1 kind. A live
cluster's discovery lists the kind; `helm template` lists only group versions, so its (or
--kube-version's) version decides there. enabled / disabled: the environment says so (cdk8s passes
one of them, so synth never depends on helm's default Kubernetes version).
*/}}
{{- define "krate-kyverno.admissionPolicies" -}}
{{- $mode := .Values.admissionPolicies.mode | default "auto" -}}
{{- if eq $mode "enabled" }}true
{{- else if eq $mode "auto" }}
{{- if or (.Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy") (semverCompare ">=1.30.0-0" .Capabilities.KubeVersion.Version) }}true{{ end }}
{{- end -}}
{{- end -}}

{{/* The username Kubernetes gives a ServiceAccount's requests (what request.userInfo.username holds). */}}
{{- define "krate-kyverno.serviceAccountUser" -}}
{{- printf "system:serviceaccount:%s:%s" (index . 0) (index . 1) -}}
{{- end -}}

{{- /* The users kube-controller-manager deletes as when a namespace empties or an owner goes (its
controllers' own ServiceAccounts with --use-service-account-credentials, its user without): the
admission guards always let them delete, so a namespace can be deleted. A CEL list literal. */ -}}
{{- define "krate-kyverno.kubernetesCleanupUsers" -}}
['system:serviceaccount:kube-system:namespace-controller', 'system:serviceaccount:kube-system:generic-garbage-collector', 'system:kube-controller-manager']
{{- end -}}
