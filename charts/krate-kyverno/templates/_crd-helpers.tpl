{{/* metav1.Condition, as every status here reports it. */}}
{{- define "krate-kyverno.crd.conditions" -}}
conditions:
  type: array
  description: Latest observations of the object's state (metav1.Condition).
  x-kubernetes-list-type: map
  x-kubernetes-list-map-keys: [type]
  items:
    type: object
    required: [type, status, lastTransitionTime, reason, message]
    properties:
      type: {type: string, maxLength: 316}
      status: {type: string, enum: ["True", "False", Unknown]}
      reason: {type: string, maxLength: 1024}
      message: {type: string, maxLength: 32768}
      lastTransitionTime: {type: string, format: date-time}
      observedGeneration: {type: integer, format: int64, minimum: 0}
observedGeneration:
  type: integer
  format: int64
  description: The metadata.generation the status was computed for.
{{- end -}}

{{/* Mode, phase and age columns every Krate policy kind prints. */}}
{{- define "krate-kyverno.crd.columns" -}}
additionalPrinterColumns:
  - {name: Mode, type: string, jsonPath: .spec.mode}
  - {name: Phase, type: string, jsonPath: .status.phase}
  - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
{{- end -}}

{{- define "krate-kyverno.crd.meta" -}}
labels:
  {{- include "krate-kyverno.labels" . | nindent 2 }}
annotations:
  # CRDs before any object of their kinds; kept when the app is deleted (deleting a CRD deletes its objects).
  argocd.argoproj.io/sync-wave: "-5"
  argocd.argoproj.io/sync-options: Prune=false
  helm.sh/resource-policy: keep
{{- end -}}


{{/* metav1.LabelSelector. */}}
{{- define "krate-kyverno.crd.labelSelector" -}}
type: object
properties:
  matchLabels: {type: object, additionalProperties: {type: string}}
  matchExpressions:
    type: array
    items:
      type: object
      required: [key, operator]
      properties:
        key: {type: string}
        operator: {type: string, enum: [In, NotIn, Exists, DoesNotExist]}
        values: {type: array, items: {type: string}}
{{- end -}}
