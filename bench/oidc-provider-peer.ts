// The peer: node-oidc-provider 9 doing the exchange's work as a registered RFC 8693 grant on its
// token endpoint — client_secret_basic, the subject token verified against the same upstream JWKS
// (fetched once, held in memory), its claims mapped by our own Maskinporten mapping, signed RS256.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { platformClaims, readMaskinportenClaims } from '../src/exchange/maskinporten/claims';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const LIFETIME_SECONDS = 1800;

interface GrantContext {
  oidc: { params: Record<string, string | undefined>; client: { clientId: string } };
  body: unknown;
}
interface OidcErrors {
  InvalidGrant: new (detail: string) => Error;
  InvalidRequest: new (detail: string) => Error;
}
interface OidcProvider {
  registerGrantType(name: string, handler: (ctx: GrantContext) => Promise<void>, params: string[]): void;
  listen(port: number, host: string, callback: () => void): { address(): AddressInfo | string | null };
}
type OidcModule = {
  default: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  errors: OidcErrors;
};

/** orgnr → org code, from the same organisations file the service reads. */
function organisationCodes(path: string): Map<string, string> {
  const { orgs } = JSON.parse(readFileSync(path, 'utf8')) as { orgs: Record<string, { orgnr: string }> };
  return new Map(Object.entries(orgs).map(([code, org]) => [org.orgnr, code]));
}

async function main(): Promise<void> {
  const upstream = process.env.BENCH_UPSTREAM as string;
  const orgCodes = organisationCodes(process.env.BENCH_ORGANISATIONS as string);
  // An ES module without types: loaded with import() (kept as it is under module node20) and typed above.
  const specifier: string = 'oidc-provider';
  const oidc = (await import(specifier)) as OidcModule;
  const jwks = createLocalJWKSet((await (await fetch(`${upstream}/maskinporten/jwks`)).json()) as never);
  const upstreamIssuer = `${upstream}/maskinporten/`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'peer', alg: 'RS256', use: 'sig' };
  const issuer = 'https://bench.invalid/peer';
  const [clientId, clientSecret] = (process.env.BENCH_PEER_CLIENT as string).split(':');

  const provider = new oidc.default(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: [TOKEN_EXCHANGE],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: false } },
  });

  provider.registerGrantType(
    TOKEN_EXCHANGE,
    async (ctx) => {
      const { subject_token: subjectToken, subject_token_type: subjectTokenType } = ctx.oidc.params;
      if (!subjectToken) throw new oidc.errors.InvalidRequest('subject_token is missing');
      if (subjectTokenType !== ACCESS_TOKEN_TYPE) throw new oidc.errors.InvalidRequest('unsupported subject_token_type');
      let claims;
      try {
        const { payload } = await jwtVerify(subjectToken, jwks, { algorithms: ['RS256'], issuer: upstreamIssuer, requiredClaims: ['exp'] });
        claims = readMaskinportenClaims(payload);
      } catch {
        throw new oidc.errors.InvalidGrant('the subject token is not valid');
      }
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        ...platformClaims(claims, orgCodes.get(claims.orgNumber)),
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + LIFETIME_SECONDS,
        jti: randomBytes(32).toString('base64url'),
      })
        .setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid, typ: 'JWT' })
        .sign(privateKey);
      ctx.body = { access_token: token, issued_token_type: JWT_TOKEN_TYPE, token_type: 'Bearer', expires_in: LIFETIME_SECONDS };
    },
    ['subject_token', 'subject_token_type', 'audience', 'requested_token_type'],
  );

  const server = provider.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ url: `http://127.0.0.1:${port}/token` });
  });
  process.on('disconnect', () => process.exit(0));
}

void main();
