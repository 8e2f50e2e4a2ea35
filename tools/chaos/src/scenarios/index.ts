import type { Scenario } from '../scenario.js';
import { clockStepScenario } from './clock-step.scenario.js';
import { hostileEdgeScenario } from './hostile-edge.scenario.js';
import { instanceFreezeScenario } from './instance-freeze.scenario.js';
import { instanceKillScenario } from './instance-kill.scenario.js';
import { kafkaBrokerScenario } from './kafka-broker.scenario.js';
import { shardServerScenario } from './shard-server.scenario.js';
import { topicGarbageScenario } from './topic-garbage.scenario.js';

/** Every scenario, in the order a run takes them (the ones that leave the least behind first). */
export const SCENARIOS: readonly Scenario[] = [
  hostileEdgeScenario,
  topicGarbageScenario,
  clockStepScenario,
  instanceFreezeScenario,
  instanceKillScenario,
  shardServerScenario('a'),
  shardServerScenario('b'),
  kafkaBrokerScenario,
];
