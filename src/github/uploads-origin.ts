/**
 * Where a release's assets are uploaded, from the configured API URL (GITHUB_API_URL) and never
 * from an answer or a workflow's history, so Octokit's credentials go to no other host:
 * - GitHub.com and GHE.com: the API host's `uploads.` twin (`api.github.com` → `uploads.github.com`);
 * - GitHub Enterprise Server: `…/api/v3` → `…/api/uploads`;
 * - anything else (the sandbox, a proxy) serves uploads on the API's own origin.
 */
export function uploadsBaseUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  const path = url.pathname.replace(/\/$/, '');
  if (url.hostname.startsWith('api.') && path === '') return `${url.protocol}//uploads.${url.host.slice(4)}`;
  if (path.endsWith('/api/v3')) return `${url.origin}${path.slice(0, -'/v3'.length)}/uploads`;
  return `${url.origin}${path}`;
}
