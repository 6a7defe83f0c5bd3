#!/usr/bin/env bash
# The kyc-platform chart installed into a real Kubernetes API server, for every values file.
# The offline checks (check.sh) validate each object against the published schemas; this one has
# a real kube-apiserver (with its default admission plugins, PodSecurity among them) accept them:
#   1. builds etcd and kube-apiserver from their Go modules (deploy/kube-apiserver/*, through the
#      Go module proxy), cached by module version and content,
#   2. starts both on 127.0.0.1 (random ports, a temporary data dir, generated certificates, RBAC
#      with a system:masters client certificate), and stops them on exit, whatever happens,
#   3. per values file: a namespace that enforces the "restricted" Pod Security Standard, the
#      Secrets the chart reads (as an operator creates them, with throwaway values), then
#      `helm install` (no wait: there are no nodes, so no pod ever runs), then reads every
#      object of the release back from the API server, hooks included,
#   4. `helm upgrade` of one release (the pre-upgrade hook path).
# A warning from the API server (unknown field, PodSecurity violation, deprecated API) fails the
# check like a refusal. One kind is skipped, and said so: PrometheusRule, whose CRD
# (monitoring.coreos.com/v1, Prometheus Operator) a bare API server does not have.
#
# Run by check.sh (which builds helm and exports HELM); alone:
#   HELM=~/.cache/kyc-tools/helm-v3.22.0/bin/helm deploy/helm/check-apiserver.sh
# Environment: KYC_TOOLS_DIR (tool cache, default $HOME/.cache/kyc-tools), KYC_CHART_DIR (the chart),
#   APISERVER_START_TIMEOUT (seconds to wait for /readyz, default 120).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHART="${KYC_CHART_DIR:-${HERE}/kyc-platform}"   # KYC_CHART_DIR: another copy of the chart (e.g. to see a refusal)
MODULES="$(cd "${HERE}/../kube-apiserver" && pwd)"
TOOLS="${KYC_TOOLS_DIR:-${HOME}/.cache/kyc-tools}"
START_TIMEOUT="${APISERVER_START_TIMEOUT:-120}"

say() { printf '[apiserver-check] %s\n' "$*"; }
# shellcheck source=SCRIPTDIR/../lib/phase.sh
source "${HERE}/../lib/phase.sh"
PHASE_PREFIX='[apiserver-check]'
die() { printf '[apiserver-check] FAIL: %s\n' "$*" >&2; exit 1; }

HELM="${HELM:-}"
[[ -x "${HELM}" ]] || die "HELM must name a helm binary (check.sh builds one and sets it)"
command -v go >/dev/null 2>&1 || die "'go' not found (etcd and kube-apiserver are built from their Go modules)"
command -v openssl >/dev/null 2>&1 || die "'openssl' not found (it makes the throwaway certificates). Install: apt-get install openssl"
command -v python3 >/dev/null 2>&1 || die "'python3' not found"
mkdir -p "${TOOLS}"

# ---------------------------------------------------------------------------------------------
# etcd and kube-apiserver from their Go modules, cached by version and by the module's content
# ---------------------------------------------------------------------------------------------
# The version a main module requires, e.g. "v1.37.2" for k8s.io/kubernetes.
required_version() { awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod"; }
module_hash() { cat "$1/go.mod" "$1/go.sum" "$1/main.go" | sha256sum | cut -c1-12; }

KUBE_VERSION="$(required_version "${MODULES}/kube-apiserver" k8s.io/kubernetes)"
ETCD_VERSION="$(required_version "${MODULES}/etcd" go.etcd.io/etcd/server/v3)"
[[ "${KUBE_VERSION}" =~ ^v1\.([0-9]+)\. ]] || die "cannot read the k8s.io/kubernetes version from ${MODULES}/kube-apiserver/go.mod"
KUBE_MINOR="${BASH_REMATCH[1]}"
[[ -n "${ETCD_VERSION}" ]] || die "cannot read the go.etcd.io/etcd/server/v3 version from ${MODULES}/etcd/go.mod"

build_binary() { # module-dir output ldflags
  rm -rf "$2.tmp"
  mkdir -p "$(dirname "$2")"
  (cd "$1" && CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly" go build -ldflags "$3" -o "$2.tmp" .)
  mv "$2.tmp" "$2"
}
ETCD="${TOOLS}/etcd-${ETCD_VERSION}-$(module_hash "${MODULES}/etcd")/etcd"
APISERVER="${TOOLS}/kube-apiserver-${KUBE_VERSION}-$(module_hash "${MODULES}/kube-apiserver")/kube-apiserver"
if [[ -x "${ETCD}" ]]; then
  say "etcd ${ETCD_VERSION}: cached at ${ETCD}"
else
  phase_run "building etcd ${ETCD_VERSION} from the Go module proxy (first run only; about a minute)" etcd-build \
    build_binary "${MODULES}/etcd" "${ETCD}" "-s -w"
fi
if [[ -x "${APISERVER}" ]]; then
  say "kube-apiserver ${KUBE_VERSION}: cached at ${APISERVER}"
else
  # The release build stamps the version the server reports (helm checks the chart's kubeVersion against it).
  v=k8s.io/component-base/version
  phase_run "building kube-apiserver ${KUBE_VERSION} from the Go module proxy (first run only; about ten minutes on 2 cores)" kube-apiserver-build \
    build_binary "${MODULES}/kube-apiserver" "${APISERVER}" "-s -w -X ${v}.gitVersion=${KUBE_VERSION} -X ${v}.gitMajor=1 -X ${v}.gitMinor=${KUBE_MINOR} -X ${v}.gitTreeState=clean"
fi

# ---------------------------------------------------------------------------------------------
# A throwaway control plane on loopback; always stopped and removed on exit
# ---------------------------------------------------------------------------------------------
WORK="$(mktemp -d)"
ETCD_PID="" APISERVER_PID=""
stop_process() { # pid name
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 0
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  say "$2 (pid $1) did not stop within 10 s: killing it"
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  local status=$?
  stop_process "${APISERVER_PID}" kube-apiserver
  stop_process "${ETCD_PID}" etcd
  wait 2>/dev/null || true
  rm -rf "${WORK}"
  exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports (bound, read and released; nothing else on a test machine races for them).
read -r ETCD_PORT ETCD_PEER_PORT API_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

# Certificates: a CA, the API server's serving certificate for 127.0.0.1, an admin client
# certificate in system:masters, and the service-account signing key pair.
pki="${WORK}/pki"
mkdir -p "${pki}"
(
  cd "${pki}"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=kyc-check-ca \
    -keyout ca.key -out ca.crt
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=kube-apiserver -keyout server.key -out server.csr
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext -out server.crt
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=system:masters/CN=kyc-chart-check" -keyout admin.key -out admin.csr
  printf 'extendedKeyUsage=clientAuth\n' >admin.ext
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile admin.ext -out admin.crt
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
  openssl pkey -in sa.key -pubout -out sa.pub
) >"${WORK}/openssl.log" 2>&1 || { cat "${WORK}/openssl.log" >&2; die "openssl could not make the throwaway certificates"; }

"${ETCD}" --name check --data-dir "${WORK}/etcd" \
  --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster "check=http://127.0.0.1:${ETCD_PEER_PORT}" \
  --log-level warn >"${WORK}/etcd.log" 2>&1 &
ETCD_PID=$!

"${APISERVER}" \
  --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
  --bind-address 127.0.0.1 --secure-port "${API_PORT}" --advertise-address 127.0.0.1 \
  --endpoint-reconciler-type none \
  --cert-dir "${WORK}/apiserver-certs" \
  --tls-cert-file "${pki}/server.crt" --tls-private-key-file "${pki}/server.key" \
  --client-ca-file "${pki}/ca.crt" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "${pki}/sa.pub" --service-account-signing-key-file "${pki}/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --v 1 >"${WORK}/kube-apiserver.log" 2>&1 &
APISERVER_PID=$!

cat >"${WORK}/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: check
    cluster: { server: "https://127.0.0.1:${API_PORT}", certificate-authority: "${pki}/ca.crt" }
users:
  - name: admin
    user: { client-certificate: "${pki}/admin.crt", client-key: "${pki}/admin.key" }
contexts:
  - name: check
    context: { cluster: check, user: admin }
current-context: check
EOF
export KUBECONFIG="${WORK}/kubeconfig"

# The API client used below (stdlib only): GET/POST with the admin certificate; prints the body.
cat >"${WORK}/api.py" <<'PYEOF'
import json, ssl, sys, urllib.error, urllib.request
base, pki = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=f"{pki}/ca.crt")
ctx.load_cert_chain(f"{pki}/admin.crt", f"{pki}/admin.key")
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status, r.read().decode(), r.headers.get_all("Warning") or []
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get_all("Warning") or []
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e), []
PYEOF

say "waiting for kube-apiserver ${KUBE_VERSION} on https://127.0.0.1:${API_PORT} (etcd ${ETCD_VERSION} on 127.0.0.1:${ETCD_PORT})"
t0=${SECONDS}
until python3 - "https://127.0.0.1:${API_PORT}" "${pki}" <<PYEOF
exec(open("${WORK}/api.py").read())
status, body, _ = call("GET", "/readyz")
sys.exit(0 if status == 200 else 1)
PYEOF
do
  if ! kill -0 "${APISERVER_PID}" 2>/dev/null || ! kill -0 "${ETCD_PID}" 2>/dev/null; then
    tail -n 20 "${WORK}/etcd.log" >&2 || true; tail -n 30 "${WORK}/kube-apiserver.log" >&2 || true
    die "etcd or kube-apiserver exited during start-up (last lines of their logs above)"
  fi
  if ((SECONDS - t0 > START_TIMEOUT)); then
    tail -n 30 "${WORK}/kube-apiserver.log" >&2 || true
    die "kube-apiserver not ready after ${START_TIMEOUT} s (last lines of its log above)"
  fi
  sleep 1
done
server_version="$(python3 - "https://127.0.0.1:${API_PORT}" "${pki}" <<PYEOF
exec(open("${WORK}/api.py").read())
print(json.loads(call("GET", "/version")[1])["gitVersion"])
PYEOF
)"
say "kube-apiserver ${server_version} ready in $((SECONDS - t0)) s (RBAC, default admission plugins)"

# ---------------------------------------------------------------------------------------------
# Install every values file; read every object back
# ---------------------------------------------------------------------------------------------
# Drops PrometheusRule objects (a helm post-renderer): the bare API server has no such CRD.
cat >"${WORK}/drop-prometheusrule" <<'PYEOF'
#!/usr/bin/env python3
import sys, yaml
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
kept = [d for d in docs if d.get("kind") != "PrometheusRule"]
with open(sys.argv[0] + ".skipped", "a") as f:
    for d in docs:
        if d.get("kind") == "PrometheusRule": f.write(d["metadata"]["name"] + "\n")
yaml.safe_dump_all(kept, sys.stdout, sort_keys=False)
PYEOF
PY="${PY:-$(command -v python3)}"
sed -i "1s|.*|#!${PY}|" "${WORK}/drop-prometheusrule"
chmod +x "${WORK}/drop-prometheusrule"
"${PY}" -c 'import yaml' 2>/dev/null || die "${PY} lacks PyYAML (check.sh passes its venv's python as PY)"

# Creates the namespace (restricted Pod Security, enforced) and the Secrets a release reads, with
# throwaway values: every secretKeyRef key and every key of a mounted Secret's items.
cat >"${WORK}/prepare.py" <<'PYEOF'
import base64, os, sys, yaml
exec(open(os.path.join(os.path.dirname(sys.argv[0]), "api.py")).read())
ns, rendered = sys.argv[3], sys.argv[4]
labels = {f"pod-security.kubernetes.io/{m}": "restricted" for m in ("enforce", "warn", "audit")}
status, body, _ = call("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}})
if status != 201: sys.exit(f"creating namespace {ns}: HTTP {status}: {body}")
secrets = {}
def pods(doc):
    spec = doc.get("spec", {})
    if doc["kind"] in ("Deployment", "Job"): return [spec["template"]["spec"]]
    return []
for doc in (d for d in yaml.safe_load_all(open(rendered)) if d):
    for pod in pods(doc):
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref: secrets.setdefault(ref["name"], set()).add(ref["key"])
        for v in pod.get("volumes", []):
            if "secret" in v:
                secrets.setdefault(v["secret"]["secretName"], set()).update(i["key"] for i in v["secret"].get("items", []))
for name, keys in sorted(secrets.items()):
    # 64 hex characters: valid for the keys that must be hex (KYC_MASTER_KEY, URL_SIGNING_KEY).
    data = {k: base64.b64encode(os.urandom(32).hex().encode()).decode() for k in sorted(keys)}
    status, body, _ = call("POST", f"/api/v1/namespaces/{ns}/secrets", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "type": "Opaque", "data": data})
    if status != 201: sys.exit(f"creating Secret {name}: HTTP {status}: {body}")
print(f"{len(secrets)} Secrets ({sum(len(k) for k in secrets.values())} keys)")
PYEOF

# Reads every object of a manifest back from the API server; prints a summary by kind.
cat >"${WORK}/readback.py" <<'PYEOF'
import os, sys, yaml
from collections import Counter
exec(open(os.path.join(os.path.dirname(sys.argv[0]), "api.py")).read())
ns, manifest = sys.argv[3], sys.argv[4]
plural = {"Deployment": "deployments", "Service": "services", "ServiceAccount": "serviceaccounts",
          "NetworkPolicy": "networkpolicies", "HorizontalPodAutoscaler": "horizontalpodautoscalers",
          "PodDisruptionBudget": "poddisruptionbudgets", "Ingress": "ingresses", "Job": "jobs",
          "ConfigMap": "configmaps", "Secret": "secrets"}
problems, kinds = [], Counter()
for d in (d for d in yaml.safe_load_all(open(manifest)) if d):
    kind, name = d["kind"], d["metadata"]["name"]
    if kind not in plural: problems.append(f"{kind}/{name}: no read-back path for this kind (add it to readback.py)"); continue
    group = d["apiVersion"]
    prefix = "/api/v1" if group == "v1" else f"/apis/{group}"
    status, body, _ = call("GET", f"{prefix}/namespaces/{ns}/{plural[kind]}/{name}")
    if status != 200: problems.append(f"{kind}/{name}: HTTP {status} reading it back"); continue
    kinds[kind] += 1
if problems: print("\n".join("  " + p for p in problems)); sys.exit(1)
print(", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + f" ({sum(kinds.values())} objects)")
PYEOF

# Fails on anything the API server (or helm) warned about.
warnings_of() { grep -E '^W[0-9]{4} |[Ww]arning:|would violate PodSecurity|unknown field|deprecated' "$1" || true; }

install_release() { # values-file release namespace [extra helm args...]
  local values="$1" release="$2" ns="$3"; shift 3
  local args=()
  [[ "$(basename "${values}")" == values.yaml ]] || args=(-f "${values}")
  "${HELM}" template "${release}" "${CHART}" --namespace "${ns}" --kube-version "${server_version}" "${args[@]}" "$@" >"${WORK}/${release}.rendered.yaml" \
    || die "helm template failed for $(basename "${values}")"
  local prepared
  prepared="$("${PY}" "${WORK}/prepare.py" "https://127.0.0.1:${API_PORT}" "${pki}" "${ns}" "${WORK}/${release}.rendered.yaml")" \
    || die "could not prepare namespace ${ns}: ${prepared}"
  : >"${WORK}/drop-prometheusrule.skipped"
  # No --wait: without nodes no pod ever becomes ready. Hooks (the topic Job) are created, not
  # waited for: --no-hooks here, then created below from the release's own hook manifests.
  if ! "${HELM}" install "${release}" "${CHART}" --namespace "${ns}" --no-hooks --wait=false --timeout 60s \
    --post-renderer "${WORK}/drop-prometheusrule" "${args[@]}" "$@" >"${WORK}/install.log" 2>&1; then
    cat "${WORK}/install.log" >&2
    die "the API server refused the release for $(basename "${values}") (helm install output above)"
  fi
  local warned
  warned="$(warnings_of "${WORK}/install.log")"
  [[ -z "${warned}" ]] || { printf '%s\n' "${warned}" >&2; die "the API server warned about the release for $(basename "${values}")"; }
  "${HELM}" get manifest "${release}" --namespace "${ns}" >"${WORK}/${release}.manifest.yaml"
  "${HELM}" get hooks "${release}" --namespace "${ns}" >"${WORK}/${release}.hooks.yaml"
  create_hooks "${release}" "${ns}"
  local accepted hooks
  accepted="$("${PY}" "${WORK}/readback.py" "https://127.0.0.1:${API_PORT}" "${pki}" "${ns}" "${WORK}/${release}.manifest.yaml")" \
    || { printf '%s\n' "${accepted}" >&2; die "objects of the release for $(basename "${values}") are missing from the API server"; }
  hooks="$("${PY}" "${WORK}/readback.py" "https://127.0.0.1:${API_PORT}" "${pki}" "${ns}" "${WORK}/${release}.hooks.yaml")" \
    || { printf '%s\n' "${hooks}" >&2; die "hooks of the release for $(basename "${values}") are missing from the API server"; }
  say "  $(basename "${values}"): namespace ${ns} (Pod Security 'restricted' enforced), ${prepared} created first"
  say "    accepted: ${accepted}"
  say "    hooks accepted: ${hooks}"
  if [[ -s "${WORK}/drop-prometheusrule.skipped" ]]; then
    say "    skipped: PrometheusRule $(paste -sd, "${WORK}/drop-prometheusrule.skipped") (its CRD, monitoring.coreos.com/v1, is not installed on a bare API server)"
  fi
}

# Hook objects (the topic-creation Job) created in the namespace the way helm creates them, with
# strict field validation; warnings fail as above.
create_hooks() { # release namespace
  "${PY}" - "https://127.0.0.1:${API_PORT}" "${pki}" "$2" "${WORK}/$1.hooks.yaml" <<PYEOF || die "the API server refused a hook of release $1"
import sys, time, yaml
exec(open("${WORK}/api.py").read())
ns, path = sys.argv[3], sys.argv[4]
plural = {"Job": "jobs", "ConfigMap": "configmaps", "Secret": "secrets", "ServiceAccount": "serviceaccounts"}
for d in (d for d in yaml.safe_load_all(open(path)) if d):
    kind, name = d["kind"], d["metadata"]["name"]
    if kind not in plural: sys.exit(f"hook {kind}/{name}: not a kind this check creates (add it)")
    prefix = "/api/v1" if d["apiVersion"] == "v1" else f"/apis/{d['apiVersion']}"
    # hook-delete-policy before-hook-creation: the previous one goes first (Background: there is
    # no garbage collector here to finish a foreground deletion).
    path = f"{prefix}/namespaces/{ns}/{plural[kind]}/{name}"
    call("DELETE", path + "?propagationPolicy=Background")
    for _ in range(50):
        if call("GET", path)[0] == 404: break
        time.sleep(0.2)
    else: sys.exit(f"hook {kind}/{name}: the previous one is still there after 10 s")
    status, body, warnings = call("POST", f"{prefix}/namespaces/{ns}/{plural[kind]}?fieldValidation=Strict", d)
    if status != 201: sys.exit(f"hook {kind}/{name}: HTTP {status}: {body}")
    if warnings: sys.exit(f"hook {kind}/{name}: the API server warned: {warnings}")
PYEOF
}

say "── helm install into kube-apiserver ${server_version}"
installed=0
for values in "${CHART}"/values*.yaml; do
  name="$(basename "${values}" .yaml)"
  extra=()
  # The optional monitoring objects ride along with the production values.
  [[ "${name}" == values-production ]] && extra=(--set monitoring.dashboard.enabled=true --set monitoring.prometheusRule.enabled=true)
  install_release "${values}" "kyc" "${name}" "${extra[@]}"
  installed=$((installed + 1))
done
[[ ${installed} -ge 3 ]] || die "expected at least 3 values files, installed ${installed}"

say "── helm upgrade (values-production.yaml with image.tag 0.1.1 and gateway.autoscaling.maxReplicas 16)"
if ! "${HELM}" upgrade kyc "${CHART}" --namespace values-production --no-hooks --wait=false --timeout 60s \
  --post-renderer "${WORK}/drop-prometheusrule" -f "${CHART}/values-production.yaml" \
  --set monitoring.dashboard.enabled=true --set monitoring.prometheusRule.enabled=true \
  --set image.tag=0.1.1 --set gateway.autoscaling.maxReplicas=16 >"${WORK}/upgrade.log" 2>&1; then
  cat "${WORK}/upgrade.log" >&2; die "helm upgrade refused"
fi
warned="$(warnings_of "${WORK}/upgrade.log")"
[[ -z "${warned}" ]] || { printf '%s\n' "${warned}" >&2; die "the API server warned during helm upgrade"; }
"${HELM}" get hooks kyc --namespace values-production >"${WORK}/kyc.hooks.yaml"
create_hooks kyc values-production
revision="$("${HELM}" status kyc --namespace values-production -o json | "${PY}" -c 'import json,sys; d=json.load(sys.stdin); print(d["version"], d["info"]["status"])')"
[[ "${revision}" == "2 deployed" ]] || die "after helm upgrade the release is '${revision}', expected revision 2 deployed"
"${PY}" - "https://127.0.0.1:${API_PORT}" "${pki}" <<PYEOF || die "the upgrade did not reach the API server's objects"
import json, sys
exec(open("${WORK}/api.py").read())
ns = "/namespaces/values-production"
dep = json.loads(call("GET", f"/apis/apps/v1{ns}/deployments/kyc-notifier")[1])
hpa = json.loads(call("GET", f"/apis/autoscaling/v2{ns}/horizontalpodautoscalers/kyc-gateway")[1])
job = json.loads(call("GET", f"/apis/batch/v1{ns}/jobs/kyc-create-topics")[1])
images = {dep["spec"]["template"]["spec"]["containers"][0]["image"], job["spec"]["template"]["spec"]["containers"][0]["image"]}
problems = []
if images != {"registry.example.com/kyc/platform:0.1.1"}: problems.append(f"images after the upgrade: {sorted(images)}")
if hpa["spec"]["maxReplicas"] != 16: problems.append(f"gateway HPA maxReplicas {hpa['spec']['maxReplicas']}")
if problems: print("\n".join("  " + p for p in problems)); sys.exit(1)
PYEOF
say "  upgrade accepted: release kyc at revision 2 (deployed); Deployments and the re-created topic Job run image 0.1.1, the gateway HPA allows 16 replicas"

say "all API server checks passed: ${installed} values files installed into kube-apiserver ${server_version} and read back; upgrade accepted (${SECONDS}s)"
