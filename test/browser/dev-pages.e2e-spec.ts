// test-database: independent (the pages in a browser; what they store is tested by test/test-idp on either database)
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import type { Page } from 'puppeteer-core';
import { RunningApp, startApp } from '../helpers/app';
import { browserSkipReason, HeadlessBrowser, launchBrowser, PHONE } from '../helpers/browser';
import { json } from '../helpers/test-idp-client';

/** Host names that are not localhost, as a LAN name or a VM's would be; the browser maps them to 127.0.0.1. */
const SERVICE_HOST = 'auth.internal';
const CLIENT_HOST = 'app.internal';

/** Opens a page at phone size and records what went wrong in it: console errors, failed requests. */
async function phonePage(browser: HeadlessBrowser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.browser.newPage();
  await page.setViewport(PHONE);
  page.setDefaultTimeout(60_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return { page, problems };
}

/** The DOM as far as these tests read it (the test build has no DOM library). */
/** Callbacks given to $eval run in the page: they may cast, but not call anything of this file. */
interface FormField {
  value: string;
  textContent: string | null;
  checkValidity(): boolean;
}

/** Runs in the page: what decides whether the login page fits a phone. */
const LAYOUT = `(() => {
  const pid = document.getElementById('pid');
  return {
    viewport: document.querySelector('meta[name=viewport]')?.getAttribute('content'),
    inputMode: pid.inputMode,
    fontSize: parseFloat(getComputedStyle(pid).fontSize),
    pidWidth: pid.getBoundingClientRect().width,
    pageWidth: document.documentElement.scrollWidth,
    windowWidth: window.innerWidth,
  };
})()`;

async function submit(page: Page): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return response?.status();
}

async function retype(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (input) => {
    (input as unknown as FormField).value = '';
  });
  await page.type(selector, value);
}

describe(
  'development pages in headless Chromium, under a host name other than localhost, at a phone’s width',
  { skip: browserSkipReason() },
  () => {
    let running: RunningApp;
    let browser: HeadlessBrowser;
    let base: string;

    before(async () => {
      // The exchange fetches the stand-in's discovery and keys from this same process: on a loaded
      // machine the first fetch (which also generates the stand-in's key) can outlast the 3 s default.
      running = await startApp({ env: { TEST_IDP_ENABLED: 'true', UPSTREAM_TIMEOUT_MS: '20000' } });
      base = `http://${SERVICE_HOST}:${new URL(running.url).port}`;
      browser = await launchBrowser([SERVICE_HOST, CLIENT_HOST]);
    });
    after(async () => {
      await browser?.close();
      await running?.close();
    });

    it('shows a login page that fits the phone, keeps what was typed on an error, logs in and exchanges the token', async () => {
      const { page, problems } = await phonePage(browser);
      const response = await page.goto(`${base}/test-idp/idporten/login`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(page.url()).toBe(`${base}/test-idp/idporten/login`);

      const layout = (await page.evaluate(LAYOUT)) as {
        viewport: string;
        inputMode: string;
        fontSize: number;
        pidWidth: number;
        pageWidth: number;
        windowWidth: number;
      };
      expect(layout.viewport).toBe('width=device-width, initial-scale=1');
      expect(layout.inputMode).toBe('numeric');
      expect(layout.windowWidth).toBe(PHONE.width);
      expect(layout.pageWidth).toBeLessThanOrEqual(layout.windowWidth);
      expect(layout.fontSize).toBeGreaterThanOrEqual(16);
      expect(layout.pidWidth).toBeGreaterThan(layout.windowWidth / 2);

      // The browser itself refuses a pid that is not 11 digits...
      await retype(page, '#pid', '1234');
      expect(await page.$eval('#pid', (input) => (input as unknown as FormField).checkValidity())).toBe(false);
      // ...and so does the server, which shows the form again with what was typed and chosen.
      await page.evaluate("document.querySelector('form').noValidate = true");
      await page.select('#acr', 'Level4');
      await page.select('#amr', 'Buypass');
      expect(await submit(page)).toBe(400);
      expect(await page.$eval('#error', (e) => (e as unknown as FormField).textContent)).toBe('The person identifier must be 11 digits.');
      expect(await page.$eval('#pid', (e) => (e as unknown as FormField).value)).toBe('1234');
      expect(await page.$eval('#acr', (e) => (e as unknown as FormField).value)).toBe('Level4');
      expect(await page.$eval('#amr', (e) => (e as unknown as FormField).value)).toBe('Buypass');

      await retype(page, '#pid', '19108000239');
      expect(await submit(page)).toBe(200);
      expect(await page.$eval('#token', (e) => (e as unknown as FormField).textContent)).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      await page.click('#exchange');
      await page.waitForFunction("document.getElementById('result').textContent.includes('urn:altinn:userid')");
      const exchanged = JSON.parse((await page.$eval('#result', (e) => (e as unknown as FormField).textContent)) ?? '') as Record<
        string,
        unknown
      >;
      expect(exchanged).toMatchObject({ 'urn:altinn:userid': '20000011', 'urn:altinn:authlevel': 4, amr: 'Buypass' });
      // The 400 page is the one expected failure in the console.
      expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
      await page.close();
    });

    it('renders /docs with every operation, its assets loaded from us', async () => {
      const { page, problems } = await phonePage(browser);
      const response = await page.goto(`${base}/docs`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
      await page.waitForSelector('.swagger-ui .opblock');
      const operations = await page.$$eval('.swagger-ui .opblock', (blocks) => blocks.length);
      expect(operations).toBeGreaterThan(10);
      expect(await page.$eval('.swagger-ui .title', (e) => (e as unknown as FormField).textContent)).toContain('Authentication');
      expect(page.url()).toBe(`${base}/docs`);
      expect(problems).toEqual([]);
      await page.close();
    });

    describe('the code flow to a client on another origin', () => {
      let callbacks: Server;
      let received: URL[];
      let redirectUri: string;

      before(async () => {
        received = [];
        callbacks = createServer((request, response) => {
          const url = new URL(request.url ?? '/', `http://${CLIENT_HOST}`);
          if (url.pathname !== '/callback') {
            response.writeHead(404).end();
            return;
          }
          received.push(url);
          response
            .writeHead(200, { 'content-type': 'text/html' })
            .end('<!doctype html><link rel="icon" href="data:,"><title>callback</title><p id="done">signed in</p>');
        });
        await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
        redirectUri = `http://${CLIENT_HOST}:${(callbacks.address() as AddressInfo).port}/callback`;
      });
      after(() => new Promise<void>((resolve) => callbacks.close(() => resolve())));

      it('logs a person in and sends the browser back with code and state, and the code redeems for tokens', async () => {
        const registered = await json(running, 'POST', '/test-idp/idporten/clients', {
          client_name: 'Phone app',
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'none',
        });
        const { client_id: clientId } = (await registered.json()) as { client_id: string };
        const verifier = randomBytes(32).toString('base64url');
        const state = randomBytes(8).toString('hex');
        const authorize = new URL(`${base}/test-idp/idporten/authorize`);
        for (const [name, value] of Object.entries({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid profile',
          state,
          nonce: 'n-1',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
          acr_values: 'idporten-loa-high',
        })) {
          authorize.searchParams.set(name, value);
        }
        const { page, problems } = await phonePage(browser);
        expect((await page.goto(authorize.href))?.status()).toBe(200);
        expect(await page.$eval('#acr', (e) => (e as unknown as FormField).value)).toBe('idporten-loa-high');
        await retype(page, '#pid', '01017012345');
        expect(await submit(page)).toBe(200);
        expect(await page.$eval('#done', (e) => (e as unknown as FormField).textContent)).toBe('signed in');
        expect(received).toHaveLength(1);
        const callback = received[0];
        expect(callback.pathname).toBe('/callback');
        expect(callback.searchParams.get('state')).toBe(state);
        expect(callback.searchParams.get('iss')).toBe(`${running.url}/test-idp/idporten/`);
        const tokens = await fetch(`${running.url}/test-idp/idporten/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: callback.searchParams.get('code') as string,
            redirect_uri: redirectUri,
            code_verifier: verifier,
            client_id: clientId,
          }).toString(),
        });
        expect(tokens.status).toBe(200);
        const body = (await tokens.json()) as { id_token: string };
        const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
        expect(claims).toMatchObject({ pid: '01017012345', acr: 'idporten-loa-high', nonce: 'n-1', aud: clientId });
        expect(problems).toEqual([]);
        await page.close();
      });
    });
  },
);
