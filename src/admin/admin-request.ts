import { DataSource } from 'typeorm';
import { CommandError } from '../common/cli';
import { migrate } from '../database/open-data-source';
import { addKey, listKeys } from '../keys/key-administration';
import { importKeyMaterial, KeyMaterialError } from '../keys/key-material';
import { KeyTimings } from '../keys/key-schedule';
import { KeyEncryption } from '../keys/key-encryption';
import { SigningKeyRepository } from '../keys/signing-key.repository';
import { addClient, listClients, NewClient, removeClient } from '../login/client-administration';
import { OidcClientRepository } from '../login/oidc-client.repository';
import { importPeople, showPerson } from '../profiles/profile-administration';
import { ProfileRepository } from '../profiles/profile.repository';

/** Every admin command, as it crosses from a CLI to whoever holds the database. */
export type AdminRequest =
  | { command: 'keys.list' }
  | { command: 'keys.rotate'; now: boolean }
  | { command: 'keys.import'; certificate: string; privateKey: string; now: boolean }
  | { command: 'profiles.import'; document: unknown }
  | { command: 'profiles.show'; ssn: string }
  | { command: 'migration.run' }
  | { command: 'clients.add'; client: NewClient }
  | { command: 'clients.list' }
  | { command: 'clients.remove'; clientId: string };

/** What a command printed, and what a running service must reload because of it. */
export interface AdminOutcome {
  lines: string[];
  keysChanged?: boolean;
  profilesChanged?: boolean;
}

/** Whatever holds the database: a CLI on its own, or the running service. */
export interface AdminContext {
  dataSource: DataSource;
  keys: SigningKeyRepository;
  /** Resolved on first use, so that commands on people never touch the key encryption secret. */
  encryption: () => KeyEncryption;
  timings: KeyTimings;
  now: () => number;
  /** Redirect URIs of login clients must be https (loopback http excepted): production. */
  httpsRedirectUrisOnly: boolean;
}

const WRITES = new Set<AdminRequest['command']>([
  'keys.rotate',
  'keys.import',
  'profiles.import',
  'migration.run',
  'clients.add',
  'clients.remove',
]);

/** True for the commands that change the database (they announce which database first). */
export function writes(request: AdminRequest): boolean {
  return WRITES.has(request.command);
}

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;

/** Checks a request from the admin channel: anything else than these exact shapes is refused. */
export function parseAdminRequest(value: unknown): AdminRequest {
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  switch (r.command) {
    case 'keys.list':
    case 'migration.run':
      return { command: r.command };
    case 'keys.rotate':
      if (typeof r.now === 'boolean') return { command: r.command, now: r.now };
      break;
    case 'keys.import':
      if (isText(r.certificate, 1_000_000) && isText(r.privateKey, 1_000_000) && typeof r.now === 'boolean') {
        return { command: r.command, certificate: r.certificate, privateKey: r.privateKey, now: r.now };
      }
      break;
    case 'profiles.import':
      return { command: r.command, document: r.document };
    case 'profiles.show':
      if (isText(r.ssn, 64)) return { command: r.command, ssn: r.ssn };
      break;
    case 'clients.list':
      return { command: r.command };
    case 'clients.remove':
      if (isText(r.clientId, 64)) return { command: r.command, clientId: r.clientId };
      break;
    case 'clients.add': {
      const c = (typeof r.client === 'object' && r.client !== null ? r.client : {}) as Record<string, unknown>;
      const uris = (value: unknown) => Array.isArray(value) && value.length <= 20 && value.every((v) => isText(v, 2000));
      if (
        isText(c.name, 255) &&
        uris(c.redirectUris) &&
        uris(c.postLogoutRedirectUris) &&
        (c.frontchannelLogoutUri === undefined || isText(c.frontchannelLogoutUri, 2000)) &&
        typeof c.public === 'boolean'
      )
        return { command: r.command, client: c as unknown as NewClient };
      break;
    }
  }
  throw new CommandError('not an admin request this service knows');
}

/** Runs one admin command against the database the context holds. Refusals are CommandErrors. */
export async function executeAdminRequest(context: AdminContext, request: AdminRequest): Promise<AdminOutcome> {
  const { dataSource, timings } = context;
  switch (request.command) {
    case 'keys.list':
      return { lines: await listKeys(context.keys, context.now(), timings) };
    case 'keys.rotate':
      return {
        lines: await addKey(context.keys, context.encryption(), { now: context.now(), immediately: request.now, timings }),
        keysChanged: true,
      };
    case 'keys.import': {
      let material;
      try {
        material = await importKeyMaterial(request.certificate, request.privateKey);
      } catch (error) {
        if (error instanceof KeyMaterialError) throw new CommandError(error.message);
        throw error;
      }
      return {
        lines: await addKey(context.keys, context.encryption(), { now: context.now(), immediately: request.now, material, timings }),
        keysChanged: true,
      };
    }
    case 'profiles.import':
      return { lines: await importPeople(new ProfileRepository(dataSource), request.document), profilesChanged: true };
    case 'profiles.show':
      return { lines: await showPerson(new ProfileRepository(dataSource), request.ssn) };
    case 'clients.add':
      return { lines: await addClient(new OidcClientRepository(dataSource), request.client, context.httpsRedirectUrisOnly) };
    case 'clients.list':
      return { lines: await listClients(new OidcClientRepository(dataSource)) };
    case 'clients.remove':
      return { lines: await removeClient(new OidcClientRepository(dataSource), request.clientId) };
    case 'migration.run': {
      const applied = await migrate(dataSource);
      return { lines: applied.length > 0 ? applied.map((name) => `applied ${name}`) : ['no pending migrations'] };
    }
  }
}
