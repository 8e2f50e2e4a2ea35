export { createKafka, type KafkaClientOptions } from './kafka-client.js';
export { KafkaProbe } from './kafka-probe.js';
export { ensureTopic, type TopicSpec } from './topics.js';
export { TopicFollower, type TopicFollowerEvents, type TopicFollowerOptions } from './topic-follower.js';
export { CONSUMER_LAG_METRIC, registerConsumerLag } from './consumer-lag-metric.js';
