import type { Account } from './accounts.js';
import { jwtUndecodable } from './app-jwt.js';
import type { AppConfig } from './config.js';
import { parseBody, type Services } from './endpoint.js';
import { docs, GitHubError, notFound } from './github-errors.js';
import { type Installation, installationSees, tokenGrant } from './grants.js';
import { accessTokenBody } from './request-bodies.js';
import type { Route, RouteRequest, RouteResponse } from './router.js';
import { installation, installationToken } from './shapes/installation.js';

/** An endpoint only an App's JWT may call; `answer` gets the App the JWT authenticated. */
interface AppEndpoint {
  method: 'GET' | 'POST';
  template: string;
  answer(services: Services, app: AppConfig, request: RouteRequest): RouteResponse;
}

/** The installation, if it is this App's; another App's is as absent as a made-up one. */
function ownInstallation(
  services: Services,
  app: AppConfig,
  id: string | undefined,
  documentationUrl: string,
) {
  const found = services.installations.byId(Number(id));
  const account = found && services.installations.account(found);
  if (!found || found.appId !== app.id || !account) throw notFound(documentationUrl);
  return { found, account };
}

const rendered = (
  services: Services,
  app: AppConfig,
  found: Installation,
  account: Account,
): RouteResponse => ({
  status: 200,
  body: installation(services.api, app, found, account, services.installations.createdAt),
});

const APP_ENDPOINTS: AppEndpoint[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/installation',
    answer: (services, app, { params }) => {
      const repo = services.store.repo(params.owner ?? '', params.repo ?? '', docs.getRepoInstallation);
      const found = services.installations.forRepo(app.id, repo);
      const account = found && services.installations.account(found);
      if (!found || !account) throw notFound(docs.getRepoInstallation);
      return rendered(services, app, found, account);
    },
  },
  {
    method: 'GET',
    template: '/app/installations/{installation_id}',
    answer: (services, app, { params }) => {
      const { found, account } = ownInstallation(services, app, params.installation_id, docs.getInstallation);
      return rendered(services, app, found, account);
    },
  },
  {
    method: 'POST',
    template: '/app/installations/{installation_id}/access_tokens',
    answer: (services, app, { params, body }) => {
      const where = docs.createInstallationToken;
      const { found } = ownInstallation(services, app, params.installation_id, where);
      const visible = services.store.all().filter((repo) => installationSees(found, repo));
      const grant = tokenGrant(found, parseBody(accessTokenBody, body, where), visible, where);
      if (grant instanceof GitHubError) throw grant;
      const issued = services.installations.issue(grant, services.now());
      return { status: 201, body: installationToken(services.api, issued, visible), applied: true };
    },
  },
];

/** Binds the App endpoints; any other credential gets the 401 GitHub gives a bearer that is no JWT. */
export function appRoutes(services: Services): Route[] {
  return APP_ENDPOINTS.map(({ answer, ...route }) => ({
    ...route,
    handle: (request) => {
      if (request.caller.kind !== 'app') throw jwtUndecodable();
      return answer(services, request.caller.app, request);
    },
  }));
}
