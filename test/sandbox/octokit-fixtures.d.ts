/** The part of @octokit/fixtures (which ships no types) the recorded-exchanges test uses. */
declare module '@octokit/fixtures' {
  const fixtures: {
    /** A scenario's normalized exchanges, e.g. `api.github.com/release-assets`. */
    get(name: string): never[];
  };
  export default fixtures;
}
