/**
 * The baseline lane of bench/release-assets.ts, as its own process so its peak RSS is its own:
 * what release tools do today (create the release, then `uploadReleaseAsset` per file, each file
 * read into memory first), with plain Octokit against the sandbox.
 * Input: one JSON argument (`LoopJob`); output: one JSON line (`LoopResult`).
 */
import { readFile } from 'node:fs/promises';
import { Octokit } from '@octokit/rest';
import { peakRssMiB } from '../../test/support/cli-process.js';

export interface LoopJob {
  url: string;
  token: string;
  owner: string;
  repo: string;
  tag: string;
  files: { name: string; path: string; contentType: string }[];
}

export interface LoopResult {
  wallMs: number;
  baselineRssMiB: number;
  peakRssMiB: number;
}

const job = JSON.parse(process.argv[2] as string) as LoopJob;
const octokit = new Octokit({ baseUrl: job.url, auth: job.token });
const baselineRssMiB = await peakRssMiB('self');
const started = performance.now();
const { data: release } = await octokit.rest.repos.createRelease({
  owner: job.owner,
  repo: job.repo,
  tag_name: job.tag,
  name: `Release ${job.tag}`,
  target_commitish: 'main',
});
for (const file of job.files) {
  const data = await readFile(file.path);
  await octokit.rest.repos.uploadReleaseAsset({
    baseUrl: job.url,
    owner: job.owner,
    repo: job.repo,
    release_id: release.id,
    name: file.name,
    // Octokit's type says string; tools pass the Buffer, which is sent as is.
    data: data as unknown as string,
    headers: { 'content-type': file.contentType, 'content-length': data.length },
  });
}
const result: LoopResult = {
  wallMs: performance.now() - started,
  baselineRssMiB,
  peakRssMiB: await peakRssMiB('self'),
};
console.log(JSON.stringify(result));
