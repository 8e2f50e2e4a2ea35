export { parseChaosArgs, type ChaosArgs } from './chaos-args.js';
export { Freezer } from './faults/freezer.js';
export { send, type Exchange } from './http.js';
export { renderTable } from './report/text-report.js';
export { runScenario, type Check, type Scenario, type ScenarioResult } from './scenario.js';
export { SCENARIOS } from './scenarios/index.js';
export { PlatformTarget } from './target/platform-target.js';
export { summarize, type Summary } from './traffic/summary.js';
export { Traffic, type Flow, type Sample } from './traffic/traffic.js';
