import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { databaseConfig } from '../config';
import { ReadinessRegistry } from '../common/readiness';
import { dataSourceOptions, Entities } from './data-source-options';
import { connectAndMigrate, type MigrationSet } from './open-data-source';

const PING_TIMEOUT_MS = 1000;

/** Wraps a promise so a hung database answers "down" in bounded time. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The database connection (migrated on start when configured) and its readiness check. */
@Module({})
export class DatabaseModule implements OnModuleInit {
  /**
   * The entity list and the extra migration sets (the test IdP's, when it is enabled) come from the
   * composition root (src/entities.ts): database/ knows no capability.
   */
  static forRoot({ entities, migrationSets }: { entities: Entities; migrationSets: readonly MigrationSet[] }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [databaseConfig.KEY],
          useFactory: (config: ConfigType<typeof databaseConfig>) => ({
            ...dataSourceOptions(config, entities),
            // Start-up fails on the first error: retrying hides a misconfigured URL.
            retryAttempts: 0,
            toRetry: () => false,
            migrateOnStart: config.migrateOnStart,
          }),
          dataSourceFactory: (options) => {
            const { migrateOnStart, ...rest } = options as DataSourceOptions & { migrateOnStart: boolean };
            return connectAndMigrate(rest, migrateOnStart, migrationSets);
          },
        }),
      ],
    };
  }

  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('database', async () => {
      try {
        await withTimeout(this.dataSource.query('SELECT 1'), PING_TIMEOUT_MS);
        return { up: true };
      } catch {
        return { up: false, details: { message: 'database did not answer' } };
      }
    });
  }
}
