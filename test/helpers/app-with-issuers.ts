import { RunningApp, startApp, StartOptions } from './app';
import { FakeIssuer } from './fake-issuer';

/** A started app that trusts its own fake Maskinporten and ID-porten, and what stops all three. */
export interface AppWithIssuers {
  running: RunningApp;
  maskinporten: FakeIssuer;
  idporten: FakeIssuer;
  close(): Promise<void>;
}

/**
 * The set-up most end-to-end files share: a fake Maskinporten and a fake ID-porten on loopback and
 * the real app trusting both (`MASKINPORTEN_WELL_KNOWN_URLS`, `IDPORTEN_WELL_KNOWN_URLS`), with
 * `options.env` on top. Start it once in a file's `before` and share it among the file's tests.
 */
export async function startAppWithIssuers(options: StartOptions = {}): Promise<AppWithIssuers> {
  const [maskinporten, idporten] = await Promise.all([FakeIssuer.start('maskinporten'), FakeIssuer.start('idporten')]);
  const closeIssuers = () => Promise.all([maskinporten.close(), idporten.close()]);
  try {
    const running = await startApp({
      ...options,
      env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl, ...options.env },
    });
    return {
      running,
      maskinporten,
      idporten,
      close: async () => {
        await running.close();
        await closeIssuers();
      },
    };
  } catch (error) {
    await closeIssuers();
    throw error;
  }
}
