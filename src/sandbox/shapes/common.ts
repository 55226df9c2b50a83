import type { Repo } from '../repo.js';

/*
 * GitHub's REST response shapes, one module per kind of object, each a function of the
 * sandbox's own URL (`api`, which plays api.github.com), the repository and a sandbox record.
 * This module holds what they share.
 */

/** Web links point at a host that cannot be mistaken for github.com. */
export const SANDBOX_HTML_HOST = 'http://sandbox.github.local';

export const nodeId = (kind: string, id: string | number): string =>
  Buffer.from(`${kind}:${id}`).toString('base64');

/** Characters a URL path segment may carry raw (RFC 3986 pchar) that encodeURIComponent escapes anyway. */
const RAW_IN_SEGMENT = /%(?:24|26|2B|2C|3B|3D|3A|40)/g;

/**
 * A ref or tag name as URL path segments, the way GitHub sends it: UTF-8 percent-encoded
 * (`release/リリース` → `release/%E3%83%AA…`), slashes kept as separators. Such URLs also go
 * out as `Location` headers, which cannot carry raw non-ASCII text; ASCII names read as before.
 */
export const refPath = (name: string): string =>
  name
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(RAW_IN_SEGMENT, decodeURIComponent))
    .join('/');

/** The sandbox signs nothing; GitHub's `verification` object says so. */
export const UNSIGNED = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
} as const;

/**
 * The `simple-user` shape of an account; by default the fixed bot every sandbox object is
 * authored by.
 */
export function user(
  api: string,
  login = 'marketops-sandbox[bot]',
  id = 900_001,
  type: 'Bot' | 'Organization' | 'User' = 'Bot',
): Record<string, unknown> {
  const url = `${api}/users/${encodeURIComponent(login)}`;
  const isBot = type === 'Bot';
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `${SANDBOX_HTML_HOST}/avatars/${id}`,
    gravatar_id: '',
    url,
    // Bots live under /apps/ on GitHub; `[bot]` would not be a valid URI path either.
    html_url: `${SANDBOX_HTML_HOST}/${isBot ? `apps/${login.replace('[bot]', '')}` : login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** A repository's owner as `simple-user`. */
export const owner = (api: string, repo: Repo): Record<string, unknown> =>
  user(api, repo.account.login, repo.account.id, repo.account.type);
