import { describe, it } from 'node:test';
import { expect } from 'expect';
import { platformClaims as personClaims, readIdportenClaims } from '../exchange/idporten/claims';
import { platformClaims as organisationClaims, readMaskinportenClaims, scopeAllowsOrgClaim } from '../exchange/maskinporten/claims';
import {
  EXCHANGED_AT,
  ISSUED_CLAIM_NAMES,
  REFRESH_UNTIL,
  ISSUED_CLAIMS,
  ISSUED_TOKEN_EXAMPLES,
  type RegisteredClaims,
} from './issued-claims';
import { isValidOrgNumber, orgNumberOfIso6523Id } from './organisation-number';

type Kind = 'system user' | 'service owner' | 'organisation' | 'user';
type Claims = Record<string, unknown>;

const isIntegerLike = (value: unknown) =>
  (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value));
const has = (claims: Claims, name: string) => claims[name] !== undefined && claims[name] !== null && claims[name] !== '';
const validIso6523 = (value: unknown) => {
  const org = value as { authority?: unknown; ID?: unknown } | undefined;
  const orgNumber = org?.authority === 'iso6523-actorid-upis' ? orgNumberOfIso6523Id(org.ID) : undefined;
  return orgNumber !== undefined && isValidOrgNumber(orgNumber);
};

/**
 * How the platform's app library classifies an exchanged token (the rules of issue 14), written
 * here from the rules, not from our code: the kind, and what the kind requires but the token lacks.
 */
function classify(claims: Claims, appOwner: string): { kind: Kind; missing: string[] } {
  const missing = (checks: Record<string, boolean>) =>
    Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
  if (claims.authorization_details !== undefined) {
    const details = claims.authorization_details as Claims[];
    const entry = Array.isArray(details) ? details.find((d) => d.type === 'urn:altinn:systemuser') : undefined;
    return {
      kind: 'system user',
      missing: missing({
        'urn:altinn:systemuser entry': entry !== undefined,
        systemuser_id: Array.isArray(entry?.systemuser_id) && (entry.systemuser_id as unknown[]).length > 0,
        system_id: typeof entry?.system_id === 'string' && entry.system_id.length > 0,
        systemuser_org: validIso6523(entry?.systemuser_org),
        'consumer (the supplier)': orgNumberOfIso6523Id((claims.consumer as Claims | undefined)?.ID) !== undefined,
      }),
    };
  }
  if (claims['urn:altinn:org'] === appOwner) {
    return {
      kind: 'service owner',
      missing: missing({
        'urn:altinn:orgNumber': has(claims, 'urn:altinn:orgNumber'),
        'urn:altinn:authenticatemethod': has(claims, 'urn:altinn:authenticatemethod'),
        'urn:altinn:authlevel': has(claims, 'urn:altinn:authlevel'),
      }),
    };
  }
  if (has(claims, 'urn:altinn:org') || has(claims, 'urn:altinn:orgNumber')) return { kind: 'organisation', missing: [] };
  return {
    kind: 'user',
    missing: missing({
      'urn:altinn:userid': isIntegerLike(claims['urn:altinn:userid']),
      'urn:altinn:partyid': isIntegerLike(claims['urn:altinn:partyid']),
      'urn:altinn:authenticatemethod': has(claims, 'urn:altinn:authenticatemethod'),
      'urn:altinn:authlevel': has(claims, 'urn:altinn:authlevel'),
      'urn:altinn:username (level 0)': claims['urn:altinn:authlevel'] !== 0 || has(claims, 'urn:altinn:username'),
    }),
  };
}

const registered: RegisteredClaims = { iss: 'https://platform.test/', iat: 1700000000, nbf: 1700000000, exp: 1700001800, jti: 'j' };
const consumer = { authority: 'iso6523-actorid-upis', ID: '0192:974760673' };

/** Our token for a Maskinporten payload, through the exchange's own functions (org code brg for 974760673). */
function fromMaskinporten(payload: Claims, orgClaimScope?: string): Claims {
  const read = readMaskinportenClaims({ consumer, ...payload });
  const orgCode = read.orgNumber === '974760673' && scopeAllowsOrgClaim(read.scope, orgClaimScope) ? 'brg' : undefined;
  return { ...organisationClaims(read, orgCode), ...registered };
}

function fromIdporten(payload: Claims, userName: string): Claims {
  const profile = { userId: 20000011, userName, partyId: 50002119, partyUuid: '8b2a6cf1-1d6e-4d4b-9f59-2c0a3c6f1a01' };
  return { ...personClaims(readIdportenClaims({ pid: '19108000239', ...payload }), profile), ...registered };
}

/** Each shape we issue, and the kind the platform must see in an app owned by `ttd` (brg for the service owner). */
const SHAPES: { shape: string; claims: Claims; kind: Kind; appOwner?: string }[] = [
  {
    shape: "organisation (the seed's input)",
    kind: 'organisation',
    claims: fromMaskinporten({ scope: 'altinn:instances.write', client_id: 'c', client_orgno: '974760673', token_type: 'Bearer' }),
  },
  {
    shape: 'organisation under the production org-claim rule',
    kind: 'organisation',
    appOwner: 'brg',
    claims: fromMaskinporten({ scope: 'altinn:instances.write' }, 'altinn:serviceowner'),
  },
  {
    shape: 'organisation without an org code',
    kind: 'organisation',
    claims: fromMaskinporten({ scope: 'altinn:instances.read', consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' } }),
  },
  {
    shape: 'service owner',
    kind: 'service owner',
    appOwner: 'brg',
    claims: fromMaskinporten({ scope: 'altinn:serviceowner/instances.read' }, 'altinn:serviceowner'),
  },
  {
    shape: 'system user',
    kind: 'system user',
    claims: fromMaskinporten({
      scope: 'altinn:instances.read',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
      authorization_details: [
        {
          type: 'urn:altinn:systemuser',
          systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468'],
          systemuser_org: consumer,
          system_id: '991825827_smartcloud',
        },
      ],
    }),
  },
  {
    shape: 'supplier-delegated',
    kind: 'organisation',
    claims: fromMaskinporten({ scope: 'altinn:instances.read', supplier: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' } }),
  },
  {
    shape: 'user',
    kind: 'user',
    claims: fromIdporten({ acr: 'idporten-loa-substantial', amr: ['Minid-PIN'], locale: 'nb', nonce: 'n', auth_time: 1700000000 }, ''),
  },
  { shape: 'user whose token names no amr', kind: 'user', claims: fromIdporten({ acr: 'Level4' }, '') },
  {
    shape: 'self-identified user at level 0',
    kind: 'user',
    claims: fromIdporten({ acr: 'idporten-loa-low', amr: ['SelfIdentified'] }, 'selfidentified-user'),
  },
];

describe('the tokens we issue, classified by the platform', () => {
  for (const { shape, claims, kind, appOwner = 'ttd' } of SHAPES) {
    it(`classifies a ${shape} token as a ${kind} with every claim it needs`, () => {
      expect(classify(claims, appOwner)).toEqual({ kind, missing: [] });
      expect(classify({ ...claims, [EXCHANGED_AT]: 1699990000 }, appOwner)).toEqual({ kind, missing: [] });
    });

    it(`describes every claim of a ${shape} token, with its JSON type`, () => {
      for (const [name, value] of Object.entries(claims)) {
        const description = (ISSUED_CLAIMS as Record<string, { type: string }>)[name];
        expect([name, description !== undefined]).toEqual([name, true]);
        const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
        expect([name, type]).toEqual([name, description.type]);
      }
    });
  }

  it('reads a service owner of another app as an organisation', () => {
    expect(classify(SHAPES.find((s) => s.kind === 'service owner')?.claims ?? {}, 'ttd').kind).toBe('organisation');
  });

  it('gives a level 0 user without a user name a token the platform refuses (the profile must have one)', () => {
    expect(classify(fromIdporten({ acr: 'Level0' }, ''), 'brg').missing).toEqual(['urn:altinn:username (level 0)']);
  });

  it('classifies every documented example as its shape', () => {
    expect(classify(ISSUED_TOKEN_EXAMPLES.organisation.value, 'ttd')).toEqual({ kind: 'organisation', missing: [] });
    expect(classify(ISSUED_TOKEN_EXAMPLES.organisation.value, 'brg')).toEqual({ kind: 'service owner', missing: [] });
    expect(classify(ISSUED_TOKEN_EXAMPLES.systemUser.value, 'brg')).toEqual({ kind: 'system user', missing: [] });
    expect(classify(ISSUED_TOKEN_EXAMPLES.supplier.value, 'ttd')).toEqual({ kind: 'organisation', missing: [] });
    expect(classify(ISSUED_TOKEN_EXAMPLES.refreshed.value, 'ttd')).toEqual({ kind: 'organisation', missing: [] });
    expect(classify(ISSUED_TOKEN_EXAMPLES.person.value, 'brg')).toEqual({ kind: 'user', missing: [] });
  });

  it('names every described claim in claims_supported, exchanged_at too', () => {
    expect(ISSUED_CLAIM_NAMES).toEqual(Object.keys(ISSUED_CLAIMS));
    expect(ISSUED_CLAIM_NAMES).toEqual(expect.arrayContaining(['urn:altinn:exchanged_at', 'supplier', 'authorization_details']));
    const issued = new Set(SHAPES.flatMap((s) => Object.keys(s.claims)));
    // Every described claim is issued by some shape here, except the audience (only on request) and the two that only refresh chains carry.
    expect(ISSUED_CLAIM_NAMES.filter((name) => !issued.has(name))).toEqual(['aud', EXCHANGED_AT, REFRESH_UNTIL]);
  });
});
