import { localOrigin } from './config/local-url';
import type { Settings } from './config';
import { ROUTES, TEST_IDP_PATHS } from './common/routes';

/** Where the embedded database lives, or which PostgreSQL database on which server (never the user or password). */
export function describeDatabase(database: Pick<Settings['database'], 'url' | 'embeddedDir'>): string {
  if (!database.url) return `embedded, in ${database.embeddedDir}`;
  const url = new URL(database.url);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  return `PostgreSQL, database "${name}" on ${url.hostname}:${url.port || '5432'}`;
}

/**
 * The one line the service logs once it listens: where it is, which database it uses, and, when
 * they are on, the API docs, the test IdP's login page and the demo.
 */
export function startupSummary(settings: Pick<Settings, 'server' | 'database' | 'http' | 'testIdp'>): {
  msg: string;
  fields: Record<string, string>;
} {
  const origin = localOrigin({ HOST: settings.server.host, PORT: settings.server.port });
  const fields: Record<string, string> = { url: origin, database: describeDatabase(settings.database) };
  if (settings.http.openApiEnabled) fields.docs = `${origin}/docs`;
  if (settings.testIdp.enabled) {
    fields.login = `${origin}/${ROUTES.testIdpIdporten}/${TEST_IDP_PATHS.login}`;
    fields.demo = 'npm run demo';
  }
  const parts = [`ready at ${fields.url}`, `database: ${fields.database}`];
  if (fields.docs) parts.push(`API docs: ${fields.docs}`);
  if (fields.login) parts.push(`test login page: ${fields.login}`, 'try the whole flow: npm run demo');
  return { msg: parts.join(' | '), fields };
}
