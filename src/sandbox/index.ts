export { SandboxAdmin } from './admin-client.js';
export {
  DEFAULT_MAIN_SHA,
  DEFAULT_REPOSITORY,
  defaultSandboxConfig,
  faultSchema,
  type Limits,
  limitsSchema,
  loadSandboxConfig,
  type SandboxConfig,
  sandboxConfigSchema,
} from './config.js';
export type { RepoState, RequestLogEntry, SandboxState } from './records.js';
export { type RunningSandbox, startSandbox } from './server.js';
