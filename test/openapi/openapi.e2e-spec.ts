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
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true' } });
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
    for (const status of ['400', '401', '429', '503']) expect(Object.keys(exchange.responses[status].content)).toEqual(['application/problem+json']);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
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
