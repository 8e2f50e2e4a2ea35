export { ensureKafkaJars, kafkaJarsPresent, kafkaVersion, KAFKA_LIB_DIR } from './kafka/kafka-jars.js';
export { startKafka, type LocalKafka, type StartKafkaOptions } from './kafka/kafka.js';
export { stopProcessGroup } from './host-process.js';
export { descendantsOf, parseProcStat, procStat, type ProcStat } from './process-tree.js';
export { freePort, isPortFree, portFrom, waitForPort } from './ports.js';
export { REPO_ROOT } from './paths.js';
export {
  ensureDatabase,
  startPostgres,
  type LocalPostgres,
  type StartPostgresOptions,
} from './postgres/postgres.js';
