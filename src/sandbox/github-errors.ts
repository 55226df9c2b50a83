import type { RouteResponse } from './router.js';

/** Where GitHub's error bodies point; the sandbox mirrors the current pages. */
const DOCS = 'https://docs.github.com/rest';

export const docs = {
  root: DOCS,
  getRepo: `${DOCS}/repos/repos#get-a-repository`,
  getRef: `${DOCS}/git/refs#get-a-reference`,
  createRef: `${DOCS}/git/refs#create-a-reference`,
  createTag: `${DOCS}/git/tags#create-a-tag-object`,
  getTag: `${DOCS}/git/tags#get-a-tag`,
  getCommit: `${DOCS}/commits/commits#get-a-commit`,
  createRelease: `${DOCS}/releases/releases#create-a-release`,
  getReleaseByTag: `${DOCS}/releases/releases#get-a-release-by-tag-name`,
  listReleases: `${DOCS}/releases/releases#list-releases`,
  getRelease: `${DOCS}/releases/releases#get-a-release`,
  updateRelease: `${DOCS}/releases/releases#update-a-release`,
  deleteRelease: `${DOCS}/releases/releases#delete-a-release`,
  getLatestRelease: `${DOCS}/releases/releases#get-the-latest-release`,
  listAssets: `${DOCS}/releases/assets#list-release-assets`,
  uploadAsset: `${DOCS}/releases/assets#upload-a-release-asset`,
  getAsset: `${DOCS}/releases/assets#get-a-release-asset`,
  updateAsset: `${DOCS}/releases/assets#update-a-release-asset`,
  deleteAsset: `${DOCS}/releases/assets#delete-a-release-asset`,
  immutableReleases: `${DOCS}/repos/repos#check-if-immutable-releases-are-enabled-for-a-repository`,
  enableImmutableReleases: `${DOCS}/repos/repos#enable-immutable-releases`,
  disableImmutableReleases: `${DOCS}/repos/repos#disable-immutable-releases`,
  updateRef: `${DOCS}/git/refs#update-a-reference`,
  deleteRef: `${DOCS}/git/refs#delete-a-reference`,
  createPull: `${DOCS}/pulls/pulls#create-a-pull-request`,
  listPulls: `${DOCS}/pulls/pulls#list-pull-requests`,
  getRepoInstallation: `${DOCS}/apps/apps#get-a-repository-installation-for-the-authenticated-app`,
  getInstallation: `${DOCS}/apps/apps#get-an-installation-for-the-authenticated-app`,
  createInstallationToken: `${DOCS}/apps/apps#create-an-installation-access-token-for-an-app`,
  rateLimit: `${DOCS}/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user`,
  primaryLimit: `${DOCS}/overview/rate-limits-for-the-rest-api#about-primary-rate-limits`,
  secondaryLimit: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
} as const;

/** One entry of a 422 `errors` array, as GitHub sends it. */
export interface ValidationIssue {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

/** An error response exactly as GitHub would send it: status, JSON body and extra headers. */
export class GitHubError extends Error {
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    message: string,
    documentationUrl: string,
    extra: { errors?: ValidationIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.headers = extra.headers ?? {};
    this.body = {
      message,
      ...(extra.errors ? { errors: extra.errors } : {}),
      documentation_url: documentationUrl,
      status: String(status),
    };
  }
}

export const badCredentials = (): GitHubError => new GitHubError(401, 'Bad credentials', docs.root);

export const notFound = (documentationUrl: string): GitHubError =>
  new GitHubError(404, 'Not Found', documentationUrl);

export const validationFailed = (documentationUrl: string, ...errors: ValidationIssue[]): GitHubError =>
  new GitHubError(422, 'Validation Failed', documentationUrl, { errors });

/** A 422 whose whole story is its message, like "Reference already exists". */
export const unprocessable = (message: string, documentationUrl: string): GitHubError =>
  new GitHubError(422, message, documentationUrl);

export const asResponse = (error: GitHubError): RouteResponse => ({
  status: error.status,
  body: error.body,
  headers: error.headers,
});

/** Runs a route's handler: GitHub's errors are its answer; anything else is a sandbox bug and propagates. */
export async function answer(handle: () => RouteResponse | Promise<RouteResponse>): Promise<RouteResponse> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof GitHubError) return asResponse(error);
    throw error;
  }
}
