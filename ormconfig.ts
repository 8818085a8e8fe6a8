import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { deriveSettings, readEnvironment } from './src/config';
import { dataSourceOptions } from './src/database/data-source-options';
import { ENTITIES } from './src/entities';

// The TypeORM CLI's data source: the same options as the app (embedded PGlite unless DATABASE_URL).
if (existsSync('.env')) process.loadEnvFile('.env');

export default new DataSource({ ...dataSourceOptions(deriveSettings(readEnvironment()).database, ENTITIES), migrationsRun: false });
