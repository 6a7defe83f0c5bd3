{{/*
Shared building blocks. Each service template (gateway.yaml, realname-pattern.yaml, ...) writes
out its own Deployment and Service (ports, env, probes, command) and includes these for what
every service has in common. Most helpers take a dict:
  root      the chart's root context ($)
  component the service name as deployed (e.g. "realname-pattern")
  svc       the service's values (e.g. .Values.realnamePattern)
*/}}

{{/* Prefix of every object name: fullnameOverride, else the release name. */}}
{{- define "kyc.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of a service's objects, e.g. "kyc-gateway". Call with dict root, component. */}}
{{- define "kyc.name" -}}
{{- printf "%s-%s" (include "kyc.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kyc.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "kyc.labels" -}}
{{ include "kyc.selectorLabels" . }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: kyc-platform
app.kubernetes.io/version: {{ include "kyc.imageTag" .root | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "kyc.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "kyc.image" -}}
{{- $repo := required "image.repository is required (the one platform image, e.g. registry.example.com/kyc/platform)" .Values.image.repository -}}
{{- printf "%s:%s" $repo (include "kyc.imageTag" .) -}}
{{- end -}}

{{/*
gRPC address of a callee: the explicit target from values, else this release's Service of the
callee when it is enabled, else a render error naming the value to set.
Call with dict root, caller, callee (component name), calleeValues, target (explicit value).
*/}}
{{- define "kyc.target" -}}
{{- if .target -}}
{{- .target -}}
{{- else if .calleeValues.enabled -}}
{{- printf "%s:%v" (include "kyc.name" (dict "root" .root "component" .callee)) .calleeValues.grpcPort -}}
{{- else -}}
{{- fail (printf "%s calls %s, which is disabled: enable it or set the %s target explicitly" .caller .callee .caller) -}}
{{- end -}}
{{- end -}}

{{/* Pod template annotations: Prometheus scraping of the service's metrics port. */}}
{{- define "kyc.podAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .svc.metricsPort | quote }}
prometheus.io/path: /metrics
{{- with .svc.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod-level fields every service shares (indent 6 under the pod spec). */}}
{{- define "kyc.podSpecCommon" -}}
{{- if .root.Values.serviceAccounts.create }}
serviceAccountName: {{ include "kyc.name" . }}
{{- end }}
automountServiceAccountToken: false
terminationGracePeriodSeconds: {{ .svc.terminationGracePeriodSeconds }}
{{ include "kyc.podSecurity" .root }}
{{- with (.svc.nodeSelector | default .root.Values.nodeSelector) }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.svc.tolerations | default .root.Values.tolerations) }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.svc.affinity | default .root.Values.affinity) }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  # The root filesystem is read-only; node and its libraries get a small scratch /tmp.
  - name: tmp
    emptyDir:
      medium: Memory
      sizeLimit: {{ .root.Values.tmpSizeLimit }}
  # The service's gRPC identity: ca.crt, tls.crt, tls.key (a cert-manager Secret's layout).
  - name: grpc-tls
    secret:
      secretName: {{ include "kyc.tlsSecretName" . }}
      defaultMode: 288 # 0440: readable by the pod's group (fsGroup) only
      items:
        - { key: ca.crt, path: ca.crt }
        - { key: tls.crt, path: tls.crt }
        - { key: tls.key, path: tls.key }
{{- include "kyc.connectionVolumes" . }}
{{- with .extraVolumes }}
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod securityContext and image pull secrets, services and the topic Job alike. Call with root. */}}
{{- define "kyc.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .Values.podSecurity.runAsUser }}
  runAsGroup: {{ .Values.podSecurity.runAsGroup }}
  fsGroup: {{ .Values.podSecurity.runAsGroup }}
  seccompProfile:
    type: RuntimeDefault
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Image and container securityContext, services and the topic Job alike. Call with root. */}}
{{- define "kyc.containerSecurity" -}}
image: {{ include "kyc.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  runAsNonRoot: true
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  privileged: false
  capabilities:
    drop: [ALL]
{{- end -}}

{{/*
CA certificates of an external MongoDB and Kafka, from existing Secrets (mongo.tls, kafka.tls),
as pod volumes (each line starts with a newline; indented for a Deployment's volumes:). Call
with dict root, kafka (the pod uses Kafka), kafkaOnly (the pod does not use MongoDB).
*/}}
{{- define "kyc.connectionVolumes" -}}
{{- with .root.Values.mongo.tls }}
{{- if and .enabled (not $.kafkaOnly) }}
  - name: mongo-tls
    secret:
      secretName: {{ required "mongo.tls.caSecret is required when mongo.tls.enabled (the Secret with the CA of the MongoDB servers)" .caSecret }}
      defaultMode: 288
      items:
        - { key: {{ .caKey }}, path: ca.crt }
{{- end }}
{{- end }}
{{- if .kafka }}
{{- with .root.Values.kafka.tls }}
{{- if and .enabled .caSecret }}
  - name: kafka-tls
    secret:
      secretName: {{ .caSecret }}
      defaultMode: 288
      items:
        - { key: {{ .caKey }}, path: ca.crt }
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The mounts of kyc.connectionVolumes (each line starts with a newline; indented for a container's volumeMounts:). */}}
{{- define "kyc.connectionMounts" -}}
{{- if and .root.Values.mongo.tls.enabled (not .kafkaOnly) }}
  - name: mongo-tls
    mountPath: {{ .root.Values.mongo.tls.mountPath }}
    readOnly: true
{{- end }}
{{- if and .kafka .root.Values.kafka.tls.enabled .root.Values.kafka.tls.caSecret }}
  - name: kafka-tls
    mountPath: {{ .root.Values.kafka.tls.mountPath }}
    readOnly: true
{{- end }}
{{- end -}}

{{/* Container fields every service shares (indent 10 under the container). */}}
{{- define "kyc.containerCommon" -}}
{{ include "kyc.containerSecurity" .root }}
resources:
  {{- toYaml .svc.resources | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  # No subPath: the kubelet then updates renewed files in place, and the service reloads them.
  - name: grpc-tls
    mountPath: {{ .root.Values.grpcTls.mountPath }}
    readOnly: true
{{- include "kyc.connectionMounts" . }}
{{- with .extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .root.Values.preStopSleepSeconds }}
lifecycle:
  preStop:
    # Let endpoint removal reach every proxy before SIGTERM starts the drain.
    exec:
      command: ["sleep", "{{ .root.Values.preStopSleepSeconds }}"]
{{- end }}
{{- end -}}

{{/*
Startup, liveness and readiness probes over the standard gRPC health service, on the plaintext
health port (the kubelet's gRPC probes cannot speak TLS; the gRPC port is mutual TLS only).
*/}}
{{- define "kyc.grpcProbes" -}}
startupProbe:
  grpc:
    port: {{ .svc.healthPort }}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  grpc:
    port: {{ .svc.healthPort }}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  grpc:
    port: {{ .svc.healthPort }}
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 2
{{- end -}}

{{/* Environment shared by every service: logging, database, own env (indent 12 under env:). */}}
{{- define "kyc.env.common" -}}
- name: NODE_ENV
  value: production
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
- name: METRICS_PORT
  value: {{ .svc.metricsPort | quote }}
- name: MONGO_URL
{{- if .root.Values.mongo.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.mongo.existingSecret }}
      key: {{ .root.Values.mongo.secretKey }}
{{- else }}
  value: {{ include "kyc.mongoUrl" .root | quote }}
{{- end }}
- name: MONGO_DB
  value: {{ .svc.database | quote }}
{{- end -}}

{{/* Name of the Secret holding a service's gRPC TLS material. */}}
{{- define "kyc.tlsSecretName" -}}
{{- .svc.tlsSecret | default (printf "%s-grpc-tls" (include "kyc.name" .)) -}}
{{- end -}}

{{/* gRPC TLS material, every service (indent 12 under env:). */}}
{{- define "kyc.env.grpcTls" -}}
- name: GRPC_TLS_CA_FILE
  value: {{ printf "%s/ca.crt" .root.Values.grpcTls.mountPath | quote }}
- name: GRPC_TLS_CERT_FILE
  value: {{ printf "%s/tls.crt" .root.Values.grpcTls.mountPath | quote }}
- name: GRPC_TLS_KEY_FILE
  value: {{ printf "%s/tls.key" .root.Values.grpcTls.mountPath | quote }}
{{- end -}}

{{/* A gRPC server's ports and callers (indent 12 under env:). */}}
{{- define "kyc.env.grpcServer" -}}
- name: GRPC_PORT
  value: {{ .svc.grpcPort | quote }}
- name: GRPC_HEALTH_PORT
  value: {{ .svc.healthPort | quote }}
- name: GRPC_ALLOWED_CALLERS
  value: {{ join "," .svc.allowedCallers | quote }}
{{- end -}}

{{/* Container ports of a gRPC server (indent 12 under ports:). */}}
{{- define "kyc.grpcPorts" -}}
- name: grpc
  containerPort: {{ .svc.grpcPort }}
- name: grpc-health
  containerPort: {{ .svc.healthPort }}
- name: metrics
  containerPort: {{ .svc.metricsPort }}
{{- end -}}

{{/*
MONGO_URL given as a value (mongo.url). With mongo.tls.enabled the MongoDB driver's URI options
tls=true and tlsCAFile (the mounted CA) are appended; a MONGO_URL read from mongo.existingSecret
must carry them itself (see the chart's README).
*/}}
{{- define "kyc.mongoUrl" -}}
{{- $url := required "set mongo.url or mongo.existingSecret (MONGO_URL)" .Values.mongo.url -}}
{{- if .Values.mongo.tls.enabled -}}
{{- $sep := "/?" -}}
{{- if contains "?" $url -}}{{- $sep = "&" -}}{{- else if regexMatch "^mongodb(\\+srv)?://[^/]+/" $url -}}{{- $sep = "?" -}}{{- end -}}
{{- printf "%s%stls=true&tlsCAFile=%s/ca.crt" $url $sep .Values.mongo.tls.mountPath -}}
{{- else -}}
{{- $url -}}
{{- end -}}
{{- end -}}

{{/* Kafka brokers, topic prefix, TLS and SASL (indent 12 under env:). Call with dict root. */}}
{{- define "kyc.env.kafka" -}}
- name: KAFKA_BROKERS
{{- if .root.Values.kafka.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.kafka.existingSecret }}
      key: {{ .root.Values.kafka.secretKey }}
{{- else }}
  value: {{ required "set kafka.brokers or kafka.existingSecret (KAFKA_BROKERS)" .root.Values.kafka.brokers | quote }}
{{- end }}
- name: KAFKA_TOPIC_PREFIX
  value: {{ .root.Values.kafka.topicPrefix | quote }}
{{- with .root.Values.kafka.tls }}
{{- if .enabled }}
- name: KAFKA_TLS
  value: "true"
{{- if .caSecret }}
- name: KAFKA_TLS_CA_FILE
  value: {{ printf "%s/ca.crt" .mountPath | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- with .root.Values.kafka.sasl }}
{{- if .mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required when kafka.sasl.mechanism is set (the Secret with the SASL user name and password)" .existingSecret }}
      key: {{ .usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The master key is only ever read from an existing Secret: the chart never holds it. */}}
{{- define "kyc.env.masterKey" -}}
- name: KYC_MASTER_KEY
  valueFrom:
    secretKeyRef:
      name: {{ required "masterKey.existingSecret is required: the name of an existing Secret holding KYC_MASTER_KEY" .root.Values.masterKey.existingSecret }}
      key: {{ .root.Values.masterKey.secretKey }}
- name: KYC_MASTER_KEY_ID
  value: {{ .root.Values.masterKey.keyId | quote }}
{{- end -}}

{{/* extraEnv (every service) then the service's own env; later entries win in Kubernetes. */}}
{{- define "kyc.env.extra" -}}
{{- range $k, $v := .root.Values.extraEnv }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- range $k, $v := .svc.env }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{/* ServiceAccount and PodDisruptionBudget of a service. */}}
{{- define "kyc.serviceExtras" -}}
{{- if .root.Values.serviceAccounts.create }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "kyc.name" . }}
  labels:
    {{- include "kyc.labels" . | nindent 4 }}
  {{- with .root.Values.serviceAccounts.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- with .root.Values.grpcTls.certManager }}
{{- if .issuerRef.name }}
---
# The service's gRPC identity, issued by cert-manager into the Secret the pods mount.
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ include "kyc.name" $ }}-grpc
  labels:
    {{- include "kyc.labels" $ | nindent 4 }}
spec:
  secretName: {{ include "kyc.tlsSecretName" $ }}
  commonName: {{ $.component }}
  uris:
    - spiffe://kyc.local/{{ $.component }}
  dnsNames:
    {{- $svcName := include "kyc.name" $ }}
    - {{ $svcName }}
    - {{ $svcName }}.{{ $.root.Release.Namespace }}
    - {{ $svcName }}.{{ $.root.Release.Namespace }}.svc
  duration: {{ .duration }}
  renewBefore: {{ .renewBefore }}
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
  usages: [server auth, client auth, digital signature]
  issuerRef:
    {{- toYaml .issuerRef | nindent 4 }}
{{- end }}
{{- end }}
{{- if .root.Values.podDisruptionBudgets.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "kyc.name" . }}
  labels:
    {{- include "kyc.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .root.Values.podDisruptionBudgets.maxUnavailable }}
  # A pod that is not ready protects nothing: let drains evict it.
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "kyc.selectorLabels" . | nindent 6 }}
{{- end }}
{{- with .svc.autoscaling }}
{{- if .enabled }}
---
# Every service is stateless (state lives in MongoDB and Kafka): it scales on CPU.
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "kyc.name" $ }}
  labels:
    {{- include "kyc.labels" $ | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "kyc.name" $ }}
  minReplicas: {{ .minReplicas }}
  maxReplicas: {{ .maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .targetCPUUtilizationPercentage }}
  {{- with .behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* spec.replicas of a Deployment (indented under spec:), left out when its HorizontalPodAutoscaler owns the count. */}}
{{- define "kyc.replicas" -}}
{{- if not .svc.autoscaling.enabled }}
  replicas: {{ .svc.replicas }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy of a gRPC service: its gRPC port accepts only its callers (svc.allowedCallers, the
same list the service enforces on the caller's certificate), its health port only
networkPolicies.healthFrom (anywhere when empty: kubelet probes come from the node), its metrics
port only networkPolicies.metricsFrom. Call with dict root, component, svc.
*/}}
{{- define "kyc.grpcNetworkPolicy" -}}
{{- if .root.Values.networkPolicies.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "kyc.name" . }}
  labels:
    {{- include "kyc.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "kyc.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: grpc-health
          protocol: TCP
      {{- with .root.Values.networkPolicies.healthFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- if .svc.allowedCallers }}
    - ports:
        - port: grpc
          protocol: TCP
      from:
        {{- range .svc.allowedCallers }}
        - podSelector:
            matchLabels:
              {{- include "kyc.selectorLabels" (dict "root" $.root "component" .) | nindent 14 }}
        {{- end }}
    {{- end }}
    {{- with .root.Values.networkPolicies.metricsFrom }}
    - ports:
        - port: metrics
          protocol: TCP
      from:
        {{- toYaml . | nindent 8 }}
    {{- end }}
{{- end }}
{{- end -}}
