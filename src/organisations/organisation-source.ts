import { createReadStream } from 'node:fs';
import { fetchJsonObject, readCapped, UpstreamError } from '../common/upstream-fetch';

export interface OrganisationRecord {
  orgCode: string;
  orgNumber: string | null;
  nameNb: string | null;
  nameNn: string | null;
  nameEn: string | null;
  homepage: string | null;
  environments: string[];
}

export interface ParsedSource {
  organisations: OrganisationRecord[];
  /** Entries left out, with why: bad org number, duplicate org number, wrong shape. */
  skipped: string[];
}

export class OrganisationSourceError extends Error {
  override readonly name = 'OrganisationSourceError';
}

const ORG_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const ORG_NUMBER = /^\d{9}$/;
const text = (value: unknown, max: number) => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);

/** Reads the platform's altinn-orgs.json format: `{"orgs": {"brg": {"name": {...}, "orgnr": "..."}}}`. */
function parseOrganisations(document: unknown): ParsedSource {
  const orgs = (document as { orgs?: unknown } | null)?.orgs;
  if (typeof orgs !== 'object' || orgs === null || Array.isArray(orgs)) throw new OrganisationSourceError('no "orgs" object');
  const organisations: OrganisationRecord[] = [];
  const skipped: string[] = [];
  const numbers = new Set<string>();
  for (const [code, raw] of Object.entries(orgs as Record<string, unknown>)) {
    const entry = raw as { name?: Record<string, unknown>; orgnr?: unknown; homepage?: unknown; environments?: unknown } | null;
    if (!ORG_CODE.test(code) || typeof entry !== 'object' || entry === null) {
      skipped.push(`${code.slice(0, 40)}: not an organisation entry`);
      continue;
    }
    const orgnr = typeof entry.orgnr === 'string' ? entry.orgnr.trim() : '';
    if (orgnr !== '' && !ORG_NUMBER.test(orgnr)) {
      skipped.push(`${code}: orgnr is not 9 digits`);
      continue;
    }
    if (orgnr !== '' && numbers.has(orgnr)) {
      skipped.push(`${code}: orgnr ${orgnr} is already used by another organisation`);
      continue;
    }
    if (orgnr !== '') numbers.add(orgnr);
    const names = typeof entry.name === 'object' && entry.name !== null ? entry.name : {};
    organisations.push({
      orgCode: code,
      orgNumber: orgnr === '' ? null : orgnr,
      nameNb: text(names.nb, 256),
      nameNn: text(names.nn, 256),
      nameEn: text(names.en, 256),
      homepage: text(entry.homepage, 512),
      environments: Array.isArray(entry.environments)
        ? entry.environments.filter((e): e is string => typeof e === 'string').slice(0, 50)
        : [],
    });
  }
  if (organisations.length === 0) throw new OrganisationSourceError('no valid organisation in the source');
  return { organisations, skipped };
}

/**
 * The most an organisation source may hold: the platform's list is about 100 KB, and 100,000
 * organisations (the benchmark's scale profile) about 12 MB. A larger answer or file is not read.
 */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024;

/** Loads the source: a URL (fetched with a timeout) or a file path, either read with a byte cap. */
export async function loadOrganisations(source: string, timeoutMs: number, maxBytes = MAX_SOURCE_BYTES): Promise<ParsedSource> {
  let document: unknown;
  if (/^https?:\/\//.test(source)) {
    document = await fetchJsonObject(source, timeoutMs, maxBytes);
  } else {
    let content: Buffer;
    try {
      // A stream, not readFile: a file may be far larger than it looks (a device, a growing log).
      content = await readCapped(createReadStream(source), maxBytes, source);
    } catch (error) {
      if (error instanceof UpstreamError) throw new OrganisationSourceError(error.message);
      throw new OrganisationSourceError(`cannot read ${source}`);
    }
    try {
      document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content));
    } catch {
      throw new OrganisationSourceError(`${source} is not JSON`);
    }
  }
  return parseOrganisations(document);
}
