import { type BrowserContext, chromium } from 'playwright-core';
import { tempDir } from './temp-dirs.js';

/** Debian's chromium, installed by scripts/chromium.sh: these machines cannot download a browser build. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless chromium on a fresh temporary profile (its --user-data-dir, removed when the process exits), with every background service that would
 * phone home switched off, so a test's only traffic goes to the pages it opens.
 */
export async function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await tempDir('chromium'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
