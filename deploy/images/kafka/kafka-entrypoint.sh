#!/usr/bin/env bash
# Entrypoint of the locally built Kafka 3.9.1 image (KRaft, no ZooKeeper).
#
# Accepts the same container configuration as the official apache/kafka:3.9.x
# image, so one set of container settings works with both images:
#   * every KAFKA_* variable (except the JVM/log4j ones listed below) becomes a
#     server.properties entry: strip KAFKA_, lower-case, then "_" -> ".",
#     "___" -> "-", "__" -> "_"   (KAFKA_NODE_ID -> node.id,
#     KAFKA_LISTENER_NAME_X___Y -> listener.name.x-y, KAFKA_A__B -> a_b);
#   * if no such variable is set, the default single-node config is used;
#   * KAFKA_LISTENERS defaults to KAFKA_ADVERTISED_LISTENERS with 0.0.0.0 hosts;
#   * CLUSTER_ID (default as in the official image) formats the storage once;
#   * KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS,
#     KAFKA_LOG4J_OPTS, KAFKA_OPTS, KAFKA_LOG4J_ROOT_LOGLEVEL,
#     KAFKA_LOG4J_LOGGERS ("logger=LEVEL,..."), KAFKA_TOOLS_LOG4J_LOGLEVEL;
#   * arguments of the form VAR=value are exported first.
set -euo pipefail

KDIR=/opt/kafka
CONF_DIR=$KDIR/config
DEFAULTS_DIR=$KDIR/config-defaults

for assignment in "$@"; do
  export "$assignment"
done

export CLUSTER_ID="${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"

if [[ -n "${KAFKA_PROCESS_ROLES-}" && "$KAFKA_PROCESS_ROLES" == "controller" ]]; then
  if [[ -n "${KAFKA_ADVERTISED_LISTENERS-}" ]]; then
    echo "KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller." >&2
    exit 1
  fi
  unset KAFKA_ADVERTISED_LISTENERS
fi

if [[ -z "${KAFKA_LISTENERS-}" && "${KAFKA_PROCESS_ROLES-}" != "controller" && -n "${KAFKA_ADVERTISED_LISTENERS-}" ]]; then
  KAFKA_LISTENERS=$(sed -e 's|://[^:]*:|://0.0.0.0:|g' <<<"$KAFKA_ADVERTISED_LISTENERS")
  export KAFKA_LISTENERS
fi

# Variables that configure the JVM or logging, not server.properties.
excluded=" KAFKA_VERSION KAFKA_HEAP_OPT KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS KAFKA_OPTS \
KAFKA_JMX_OPTS KAFKA_JMX_PORT KAFKA_JMX_HOSTNAME KAFKA_JVM_PERFORMANCE_OPTS \
KAFKA_GC_LOG_OPTS KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS \
KAFKA_TOOLS_LOG4J_LOGLEVEL KAFKA_DEBUG "

props=""
while IFS= read -r name; do
  [[ "$name" == KAFKA_* ]] || continue
  [[ "$excluded" == *" $name "* ]] && continue
  key="${name#KAFKA_}"
  key="${key,,}"
  key="${key//_/.}"
  key="${key//.../-}"
  key="${key//../_}"
  props+="${key}=${!name}"$'\n'
done < <(compgen -e | LC_ALL=C sort)

mkdir -p "$CONF_DIR"
if [[ -n "$props" ]]; then
  printf '%s' "$props" >"$CONF_DIR/server.properties"
else
  cp "$DEFAULTS_DIR/server.properties" "$CONF_DIR/server.properties"
fi

cp "$DEFAULTS_DIR/log4j.properties" "$CONF_DIR/log4j.properties"
if [[ -n "${KAFKA_LOG4J_ROOT_LOGLEVEL-}" ]]; then
  printf '\nlog4j.rootLogger=%s, stdout\n' "$KAFKA_LOG4J_ROOT_LOGLEVEL" >>"$CONF_DIR/log4j.properties"
fi
if [[ -n "${KAFKA_LOG4J_LOGGERS-}" ]]; then
  IFS=',' read -r -a loggers <<<"$KAFKA_LOG4J_LOGGERS"
  for logger in "${loggers[@]}"; do
    printf '\nlog4j.logger.%s\n' "$logger" >>"$CONF_DIR/log4j.properties"
  done
fi
cp "$DEFAULTS_DIR/tools-log4j.properties" "$CONF_DIR/tools-log4j.properties"
if [[ -n "${KAFKA_TOOLS_LOG4J_LOGLEVEL-}" ]]; then
  printf '\nlog4j.rootLogger=%s, stderr\n' "$KAFKA_TOOLS_LOG4J_LOGLEVEL" >>"$CONF_DIR/tools-log4j.properties"
fi

echo "===> server.properties:"
sed -e 's/^\(.*password.*=\).*/\1[hidden]/' "$CONF_DIR/server.properties"

CLASSPATH="$KDIR/libs/*"
export CLASSPATH

echo "===> Formatting storage (cluster id $CLUSTER_ID) ..."
# A short-lived JVM: small heap, C1 only, class-data sharing archive if present.
tool_opts=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)
[[ -f "$KDIR/tools.jsa" ]] && tool_opts+=(-XX:SharedArchiveFile="$KDIR/tools.jsa" -Xshare:auto)
java "${tool_opts[@]}" -Dlog4j.configuration="file:$CONF_DIR/tools-log4j.properties" \
  kafka.tools.StorageTool format --cluster-id="$CLUSTER_ID" \
  -c "$CONF_DIR/server.properties" --ignore-formatted

heap_opts="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
perf_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
[[ -z "${KAFKA_JVM_PERFORMANCE_OPTS-}" && -f "$KDIR/kafka.jsa" ]] && perf_opts+=" -XX:SharedArchiveFile=$KDIR/kafka.jsa -Xshare:auto"
log4j_opts="${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$CONF_DIR/log4j.properties}"

echo "===> Launching Kafka ..."
# shellcheck disable=SC2086 # the *_OPTS variables are word lists, as in kafka-run-class.sh
exec java $heap_opts $perf_opts ${KAFKA_GC_LOG_OPTS-} ${KAFKA_JMX_OPTS-} $log4j_opts \
  -Dkafka.logs.dir="$KDIR/logs" ${KAFKA_OPTS-} \
  kafka.Kafka "$CONF_DIR/server.properties"
