/** Cluster id both images format their storage with (the official image's default). */
export const KAFKA_CLUSTER_ID = '5L6g3nShT-eMCtK--X86sw';

/**
 * Container environment for a single-node KRaft (broker+controller) Kafka whose
 * client listener is port `port` both inside the container and on the host, so
 * the advertised address 127.0.0.1:port works from the host. Understood alike by
 * apache/kafka:3.9.x and the local image (deploy/images/kafka).
 */
export function kafkaContainerEnv(port: number, advertisedHost = '127.0.0.1'): Record<string, string> {
  return {
    CLUSTER_ID: KAFKA_CLUSTER_ID,
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${advertisedHost}:${port}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
    KAFKA_NUM_PARTITIONS: '1',
    KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
    KAFKA_MIN_INSYNC_REPLICAS: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_HEAP_OPTS: '-Xmx512m -Xms256m',
  };
}

/** Variables the images use for the JVM or logging rather than server.properties. */
const NOT_SERVER_PROPERTIES = new Set([
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPT',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JMX_PORT',
  'KAFKA_JMX_HOSTNAME',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
  'KAFKA_DEBUG',
]);

/**
 * The server.properties key of a KAFKA_* variable, as the official image (and
 * deploy/images/kafka/kafka-entrypoint.sh) derive it: strip KAFKA_, lower-case,
 * "_" -> ".", then "..." -> "-" and ".." -> "_". Undefined for other variables.
 */
export function kafkaEnvToPropertyKey(name: string): string | undefined {
  if (!name.startsWith('KAFKA_') || NOT_SERVER_PROPERTIES.has(name)) return undefined;
  return name.slice('KAFKA_'.length).toLowerCase().replace(/_/g, '.').replace(/\.\.\./g, '-').replace(/\.\./g, '_');
}

/** server.properties entries a container environment produces. */
export function kafkaEnvToProperties(env: Record<string, string>): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const key = kafkaEnvToPropertyKey(name);
    if (key !== undefined) props[key] = value;
  }
  return props;
}
