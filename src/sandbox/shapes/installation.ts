import type { Account } from '../accounts.js';
import type { AppConfig } from '../config.js';
import { type Installation, installationPermissions } from '../grants.js';
import type { IssuedToken } from '../installations.js';
import type { Repo } from '../repo.js';
import { SANDBOX_HTML_HOST, user } from './common.js';
import { repository } from './repository.js';

const isoSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The `installation` schema. */
export function installation(
  api: string,
  app: AppConfig,
  record: Installation,
  account: Account,
  createdAtMs: number,
): Record<string, unknown> {
  const settings = account.type === 'Organization' ? `organizations/${account.login}/settings` : 'settings';
  return {
    id: record.id,
    account: user(api, account.login, account.id, account.type),
    repository_selection: record.repositories === 'all' ? 'all' : 'selected',
    access_tokens_url: `${api}/app/installations/${record.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${SANDBOX_HTML_HOST}/${settings}/installations/${record.id}`,
    app_id: app.id,
    app_slug: app.slug ?? `app-${app.id}`,
    target_id: account.id,
    target_type: account.type,
    permissions: installationPermissions(record),
    events: [],
    created_at: isoSeconds(createdAtMs),
    updated_at: isoSeconds(createdAtMs),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** The `installation-token` schema; `repositories` only when the token is limited to some. */
export function installationToken(
  api: string,
  issued: IssuedToken,
  repos: readonly Repo[],
): Record<string, unknown> {
  const { repositoryIds, permissions } = issued.grant;
  const selected =
    repositoryIds === 'all' ? undefined : repos.filter((repo) => repositoryIds.includes(repo.id));
  return {
    token: issued.token,
    expires_at: isoSeconds(issued.expiresAt),
    permissions,
    repository_selection: selected ? 'selected' : 'all',
    ...(selected ? { repositories: selected.map((repo) => repository(api, repo)) } : {}),
  };
}
