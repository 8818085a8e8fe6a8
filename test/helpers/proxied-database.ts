import { RunningApp, startApp } from './app';
import { createTestDatabase, LOCAL_SERVER_URL, TestDatabase } from './database';
import { TcpProxy } from './tcp-proxy';

export interface ProxiedApp {
  running: RunningApp;
  proxy: TcpProxy;
  close(): Promise<void>;
}

/**
 * The app on a fresh PostgreSQL database reached through a proxy the test can cut, to show what
 * happens while the database is away. Needs the server (CI always has one).
 */
export async function startAppBehindProxy(env: Record<string, string> = {}): Promise<ProxiedApp> {
  const database: TestDatabase = await createTestDatabase(LOCAL_SERVER_URL);
  const target = new URL(database.url as string);
  const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
  const throughProxy = new URL(target.toString());
  throughProxy.hostname = '127.0.0.1';
  throughProxy.port = String(proxy.port);
  const running = await startApp({ database: { ...database, env: { ...database.env, DATABASE_URL: throughProxy.toString() } }, env });
  return {
    running,
    proxy,
    close: async () => {
      await running.close();
      await proxy.close();
      await database.drop();
    },
  };
}
