// @ts-check
/**
 * The layout rules `npm run lint` enforces on src/ (dependency-cruiser). One folder per capability;
 * common/, config/ and database/ sit below every capability; src/*.ts (app.module.ts, core.module.ts,
 * entities.ts, main.ts ...) is the composition root above them all.
 *
 * The exchange lives in exchange/: one sub-folder per provider (maskinporten/, idporten/), POST /token
 * (token-endpoint/), and shared/ for what they and the refresh use. Inside exchange/ the folders may
 * import each other (the token endpoint injects the providers' exchange services); from outside, only
 * shared/ may be imported, and idporten/ by the login, whose tokens are the ID-porten exchange's.
 * Everything is wired by injection at start, no registry: POST /token's other grants (the login's
 * authorization_code and refresh_token) reach it as the TOKEN_GRANTS list (exchange/shared/), which
 * the composition root fills (src/token-grants.module.ts), so the dependency runs login → exchange,
 * never back.
 */
const CAPABILITY = '^src/(?!common/|config/|database/)[^/]+/';
/** Folders that only serve HTTP endpoints: nothing but the composition root (or their own top folder) imports them. */
const ENDPOINTS = '^src/(discovery|health|metrics|refresh|test-idp|introspection|exchange/(?!shared/))';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Two folders import each other, directly or through others. Move the shared piece down (common/) or invert the dependency.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-file-cycle',
      comment: 'Two files import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'database-knows-no-capability',
      comment: 'database/ is used by capabilities, never the other way round; entities are listed in src/entities.ts.',
      severity: 'error',
      from: { path: '^src/database/' },
      to: { path: CAPABILITY },
    },
    {
      name: 'common-and-config-know-no-capability',
      comment: 'common/ and config/ hold cross-cutting pieces; they import no capability and not the composition root.',
      severity: 'error',
      from: { path: '^src/(common|config)/' },
      to: { path: [CAPABILITY, '^src/database/', '^src/[^/]+\\.ts$'] },
    },
    {
      name: 'no-reach-into-endpoints',
      comment:
        'Endpoint folders are leaves: what others need from them (routes, claims, response forms) belongs in common/, in exchange/shared/, or in the capability that owns it.',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/login/' },
      to: { path: ENDPOINTS, pathNot: '^src/$1/' },
    },
    {
      name: 'login-uses-only-the-idporten-exchange',
      comment:
        "The login issues the ID-porten exchange's person token, so it may inject exchange/idporten/; every other endpoint folder stays a leaf to it too.",
      severity: 'error',
      from: { path: '^src/login/' },
      to: { path: ENDPOINTS, pathNot: '^src/(login|exchange/idporten)/' },
    },
    {
      name: 'exchange-knows-no-login',
      comment:
        "The login builds on the exchange (exchange/idporten/), so the exchange never imports the login: POST /token gets the login's grants as TOKEN_GRANTS, filled at the root (src/token-grants.module.ts).",
      severity: 'error',
      from: { path: '^src/exchange/' },
      to: { path: '^src/login/' },
    },
    {
      name: 'no-reach-into-controllers',
      comment: 'A controller is wired by its own module; nothing else imports it.',
      severity: 'error',
      from: { path: '^src/([^/]+)' },
      to: { path: '\\.controller\\.ts$', pathNot: '^src/$1/' },
    },
  ],
  options: {
    includeOnly: '^src/',
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
