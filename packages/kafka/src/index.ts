export { writeFileAtomically } from './atomic-file.js';
export { createKafka, type KafkaClientOptions } from './kafka-client.js';
export { settledWithin, withDeadline } from './deadline.js';
export { KafkaProbe } from './kafka-probe.js';
export { readSnapshotFile, type SnapshotEnvelope, type SnapshotFileRead } from './snapshot-file.js';
export { SnapshotWriter, type SnapshotWriterOptions } from './snapshot-writer.js';
export { ensureTopic, type TopicSpec } from './topics.js';
export { TopicFollower, type TopicFollowerEvents, type TopicFollowerOptions } from './topic-follower.js';
export { CONSUMER_LAG_METRIC, registerConsumerLag } from './consumer-lag-metric.js';
