import { createHash } from 'node:crypto';
import type { NamedRef, TagObjectRecord } from '../records.js';
import type { Repo } from '../repo.js';
import { nodeId, refPath, SANDBOX_HTML_HOST, UNSIGNED, user } from './common.js';

export function gitRef(api: string, repo: Repo, { ref, record }: NamedRef): Record<string, unknown> {
  const url = `${api}/repos/${repo.owner}/${repo.name}`;
  const objectPath = record.type === 'tag' ? 'tags' : 'commits';
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${url}/git/${refPath(ref)}`,
    object: { type: record.type, sha: record.sha, url: `${url}/git/${objectPath}/${record.sha}` },
  };
}

export function gitTag(api: string, repo: Repo, tag: TagObjectRecord): Record<string, unknown> {
  const url = `${api}/repos/${repo.owner}/${repo.name}/git`;
  return {
    node_id: nodeId('Tag', tag.sha),
    tag: tag.tag,
    sha: tag.sha,
    url: `${url}/tags/${tag.sha}`,
    message: tag.message,
    tagger: tag.tagger,
    object: { ...tag.object, url: `${url}/commits/${tag.object.sha}` },
    verification: UNSIGNED,
  };
}

/**
 * The `commit` schema. The sandbox stores no history, trees or authors, so a commit has no
 * parents and no files, and its tree SHA and message are derived from its own SHA.
 */
export function commit(api: string, repo: Repo, sha: string): Record<string, unknown> {
  const repoApi = `${api}/repos/${repo.owner}/${repo.name}`;
  const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}/commit/${sha}`;
  const person = {
    name: 'MarketOps Sandbox',
    email: 'sandbox@sandbox.github.local',
    date: repo.created_at,
  };
  const tree = createHash('sha1').update(`tree\0${sha}`).digest('hex');
  return {
    url: `${repoApi}/commits/${sha}`,
    sha,
    node_id: nodeId('Commit', sha),
    html_url: html,
    comments_url: `${repoApi}/commits/${sha}/comments`,
    commit: {
      url: `${repoApi}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: `Sandbox commit ${sha.slice(0, 7)}`,
      comment_count: 0,
      tree: { sha: tree, url: `${repoApi}/git/trees/${tree}` },
      verification: UNSIGNED,
    },
    author: user(api),
    committer: user(api),
    parents: [],
    stats: { additions: 0, deletions: 0, total: 0 },
    files: [],
  };
}
