import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's chromium (`apt-get install -y chromium`); CHROMIUM_PATH points elsewhere. Never downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, for `describe(..., { skip })`; false when they can. */
export function browserSkipReason(): string | false {
  return existsSync(CHROMIUM)
    ? false
    : `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH; .ci/run installs it`;
}

/** A phone: an iPhone-sized viewport with touch and a device pixel ratio of 3. */
export const PHONE = { width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

export interface HeadlessBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with every host in `hosts` resolved to 127.0.0.1, so pages are reached by a
 * host name that is not localhost (as from a LAN, a VM or a phone) while staying on loopback.
 */
export async function launchBrowser(hosts: string[]): Promise<HeadlessBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'auth-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    timeout: 60_000,
    protocolTimeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
    ],
  });
  return {
    browser,
    close: async () => {
      const child = browser.process();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([browser.close(), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      } finally {
        // A pending bound would keep the test process alive for its 10 s after the file is done.
        clearTimeout(timer);
        if (child && child.exitCode === null) child.kill('SIGKILL');
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
