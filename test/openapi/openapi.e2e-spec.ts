// test-database: independent (the OpenAPI document)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { ISSUED_TOKEN_EXAMPLES } from '../../src/common/issued-claims';
import { RunningApp, startApp } from '../helpers/app';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `/scopes/*name` and `/:orgno` as OpenAPI writes them: `/scopes/{name}`, `/{orgno}`. */
const asOpenApiPath = (path: string) => path.replace(/\*(\w+)/g, '{$1}').replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true', INTROSPECTION_TOKENS: 'an-introspection-secret-of-32-characters' } });
  });
  after(() => running.close());

  it('lists every route the app serves, with its method', async () => {
    const document = (await (await fetch(`${running.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const router = (running.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } }).router;
    const served = router.stack
      // Middleware is bound as wildcard routes (`*splat`, `*path`); /docs is the document itself.
      .filter((l) => l.route && !/\*(splat|path)/.test(l.route.path) && !l.route.path.startsWith('/docs'))
      .flatMap((l) => Object.keys(l.route?.methods ?? {}).map((m) => `${m.toUpperCase()} ${asOpenApiPath(l.route?.path ?? '')}`));
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.length).toBeGreaterThan(20);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('documents the exchanges with the bearer scheme, both response forms and problem errors', async () => {
    interface Operation {
      security: unknown;
      responses: Record<string, { description: string; content: Record<string, unknown> }>;
    }
    const document = (await (await fetch(`${running.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const exchange = document.paths['/authentication/api/v1/exchange/maskinporten'].get;
    expect(exchange.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(exchange.responses['200'].content).sort()).toEqual(['application/json', 'text/plain']);
    expect(exchange.responses['200'].description).toContain('"orgNumber":974760673');
    // One example per shape we issue, from the typed description of our claims.
    expect(exchange.responses['200'].description).toContain(JSON.stringify(ISSUED_TOKEN_EXAMPLES.systemUser.value));
    expect(exchange.responses['200'].description).toContain(JSON.stringify(ISSUED_TOKEN_EXAMPLES.supplier.value));
    for (const status of ['400', '401', '429', '503'])
      expect(Object.keys(exchange.responses[status].content)).toEqual(['application/problem+json']);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents the standard endpoints: the RFC 8693 form with OAuth errors, introspection with its Bearer secret', async () => {
    interface Operation {
      security?: unknown;
      requestBody: { content: Record<string, { schema: { required?: string[]; properties: Record<string, unknown> } }> };
      responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
    }
    const document = (await (await fetch(`${running.url}/docs-json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const token = document.paths['/authentication/api/v1/token'].post;
    expect(token.security).toBeUndefined();
    const form = token.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(form.required).toEqual(['grant_type', 'subject_token', 'subject_token_type']);
    expect(Object.keys(form.properties)).toEqual(expect.arrayContaining(['audience', 'resource', 'requested_token_type']));
    expect(Object.keys(token.responses['200'].content?.['application/json'].schema.properties ?? {}).sort()).toEqual([
      'access_token',
      'expires_in',
      'issued_token_type',
      'token_type',
    ]);
    for (const status of ['400', '429', '503'])
      expect(Object.keys(token.responses[status].content?.['application/json'].schema.properties ?? {}).sort()).toEqual([
        'error',
        'error_description',
      ]);
    const introspect = document.paths['/authentication/api/v1/introspect'].post;
    expect(introspect.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(introspect.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    for (const status of ['200', '400', '401', '404', '429'])
      expect([status, introspect.responses[status] !== undefined]).toEqual([status, true]);
  });

  it('serves the UI from its own assets, with no external URL', async () => {
    const page = await fetch(`${running.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
  });
});

describe('OpenAPI in production', () => {
  const production = {
    NODE_ENV: 'production',
    ISSUER_URL: 'https://auth.platform.test/authentication/api/v1/openid/',
    MASKINPORTEN_WELL_KNOWN_URLS: 'https://127.0.0.1:9/.well-known/oauth-authorization-server',
    IDPORTEN_WELL_KNOWN_URLS: 'https://127.0.0.1:9/.well-known/openid-configuration',
    MASKINPORTEN_AUDIENCE: 'https://auth.platform.test/',
  };

  it('is off by default and on with OPENAPI_ENABLED=true', async () => {
    const off = await startApp({ env: production });
    try {
      expect((await fetch(`${off.url}/docs-json`)).status).toBe(404);
      expect((await fetch(`${off.url}/docs`)).status).toBe(404);
    } finally {
      await off.close();
    }
    const on = await startApp({ env: { ...production, OPENAPI_ENABLED: 'true' } });
    try {
      expect((await fetch(`${on.url}/docs-json`)).status).toBe(200);
    } finally {
      await on.close();
    }
  });
});
