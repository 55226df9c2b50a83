import { describe, expect, it } from 'vitest';
import { uploadsBaseUrl } from '../../src/github/uploads-origin.js';

/** Where an upload goes comes from GITHUB_API_URL alone: GitHub's own pairs, else the API's origin. */
describe('the uploads origin of a configured API URL', () => {
  it.each([
    ['https://api.github.com', 'https://uploads.github.com'],
    ['https://api.github.com/', 'https://uploads.github.com'],
    ['https://api.octocorp.ghe.com', 'https://uploads.octocorp.ghe.com'],
    ['https://github.acme.test/api/v3', 'https://github.acme.test/api/uploads'],
    ['https://github.acme.test/api/v3/', 'https://github.acme.test/api/uploads'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://127.0.0.1:8787/github', 'http://127.0.0.1:8787/github'],
  ])('%s → %s', (api, uploads) => {
    expect(uploadsBaseUrl(api)).toBe(uploads);
  });
});
