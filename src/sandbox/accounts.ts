import { type OwnerConfig, ownerConfigSchema, type SandboxConfig } from './config.js';

/** A user or organization: what repository owners and installation targets are. */
export interface Account extends OwnerConfig {
  login: string;
  id: number;
}

/**
 * Every account the config names (repository owners, listed owners, installation targets), by
 * lowercased login, each with a stable id: one account has one id wherever it shows up.
 */
export function accountsOf(config: SandboxConfig): Map<string, Account> {
  const logins = [
    ...config.repos.map((repo) => repo.owner),
    ...Object.keys(config.owners),
    ...config.apps.flatMap((app) => app.installations.map((installation) => installation.account)),
  ];
  const accounts = new Map<string, Account>();
  for (const login of logins) {
    const key = login.toLowerCase();
    if (accounts.has(key)) continue;
    const owner = ownerConfigSchema.parse(config.owners[login] ?? {});
    accounts.set(key, { login, id: 800_001 + accounts.size, ...owner });
  }
  return accounts;
}
