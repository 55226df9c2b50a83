export { SandboxAdmin } from './admin-client.js';
export {
  DEFAULT_MAIN_SHA,
  DEFAULT_REPOSITORY,
  defaultSandboxConfig,
  type Fault,
  faultSchema,
  type Limits,
  limitsSchema,
  loadSandboxConfig,
  type SandboxConfig,
  sandboxConfigSchema,
} from './config.js';
export type {
  PullRecord,
  RefRecord,
  ReleaseRecord,
  RepoState,
  RequestLogEntry,
  SandboxState,
  TagObjectRecord,
} from './records.js';
export { type RunningSandbox, type StartSandboxOptions, startSandbox } from './server.js';
export { SANDBOX_HTML_HOST } from './shapes/common.js';
