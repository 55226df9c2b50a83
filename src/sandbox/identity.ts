/**
 * Who GitHub counts a request against. A personal token is its user's budget; every token of an
 * App installation shares the installation's budget; an App's JWT is the App's own.
 */
export interface Identity {
  /** `token:<id>`, `installation:<id>` or `app:<id>`: the key the admin usage lists. */
  key: string;
  /** How GitHub's primary-limit message names it: `user ID 900001`, `installation ID 7`. */
  subject: string;
  /** The primary hourly limit, when it is not the configured `primaryPerHour` (installations). */
  primaryPerHour?: number;
}

const INSTALLATION_BASE = 5_000;
const PER_EXTRA = 50;
const FREE_COUNT = 20;
const INSTALLATION_CAP = 12_500;
const ENTERPRISE_CLOUD = 15_000;

/**
 * GitHub's primary limit for an App installation: 5,000 an hour, plus 50 for each repository
 * above 20 and 50 for each organization member above 20, at most 12,500; 15,000 flat for an
 * organization on GitHub Enterprise Cloud.
 */
export function installationPrimaryLimit(scale: {
  repositories: number;
  members: number;
  enterpriseCloud: boolean;
}): number {
  if (scale.enterpriseCloud) return ENTERPRISE_CLOUD;
  const extra = (count: number) => PER_EXTRA * Math.max(0, count - FREE_COUNT);
  return Math.min(INSTALLATION_CAP, INSTALLATION_BASE + extra(scale.repositories) + extra(scale.members));
}
