export { Histogram, HISTOGRAM_MAX_VALUE, type SparseHistogram } from './histogram/histogram.js';
export { isLoadgenInputError, LoadgenInputError, ScenarioError, UsageError } from './loadgen.errors.js';
export { renderHtmlReport } from './report/html-report.js';
export { JSON_REPORT_VERSION, toJsonReport } from './report/json-report.js';
export { describePlan, formatProgress, renderTextReport } from './report/text-report.js';
export {
  type KindResult,
  type LoadPlan,
  type LoadResult,
  type Progress,
  type TimelinePoint,
} from './run/load-plan.js';
export { runLoad, type RunOptions } from './run/run-load.js';
export {
  DEFAULT_LIMITS,
  judgeRun,
  type ValidityLimits,
  type Verdict,
  type VerdictInput,
} from './run/verdict.js';
export { RequestMix, type PreparedRequest } from './scenario/request-mix.js';
export {
  HTTP_METHODS,
  loadScenarioFile,
  parseScenario,
  singleRequestScenario,
  type HttpMethod,
  type Scenario,
  type ScenarioRequest,
} from './scenario/scenario.js';
export { compileTemplate, type Template, type TemplateContext } from './scenario/template.js';
export { type LoadModel, type WindowSummary } from './worker/protocol.js';
