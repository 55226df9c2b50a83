import { z } from 'zod';

/**
 * How each GitHub identity's requests are paced (MARKETOPS_GITHUB_PACING). It lives here so the
 * configuration can parse it without importing the budgets that apply it.
 *
 * - `best-practices` (the default) follows GitHub's "Best practices for using the REST API"
 *   (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api):
 *   "make requests serially instead of concurrently" and, for POST, PATCH, PUT and DELETE, "wait
 *   at least one second between each request". Writes go one at a time, a second apart.
 * - `documented-limits` bursts up to the documented secondary limits (80 writes a minute at once):
 *   an opt-in for a GitHub Enterprise Server whose administrator sets and publishes the limits.
 */
export const githubPacingSchema = z
  .enum(['best-practices', 'documented-limits'], {
    message: 'must be "best-practices" (the default) or "documented-limits"',
  })
  .default('best-practices');
export type GitHubPacing = z.infer<typeof githubPacingSchema>;
