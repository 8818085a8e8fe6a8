import { join, resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';
import { projectRoot } from './project-root';

/** The organisation list shipped for development: brg, digdir, ttd and a few more. */
export const SAMPLE_ORGANISATIONS_FILE = join(projectRoot(), 'src', 'organisations', 'sample-orgs.json');

export const organisationsConfig = registerAs('organisations', () => {
  const env = readEnvironment();
  const source = env.ORGANISATIONS_SOURCE ?? (env.NODE_ENV === 'production' ? undefined : SAMPLE_ORGANISATIONS_FILE);
  return {
    source: source && !/^https?:\/\//.test(source) ? resolve(source) : source,
    refreshMs: env.ORGANISATIONS_REFRESH_MINUTES * 60_000,
    timeoutMs: env.UPSTREAM_TIMEOUT_MS,
  };
});
