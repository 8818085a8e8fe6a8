import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { ROUTES } from './routes';

/**
 * The middleware every request passes before Nest's router, kept to what each request needs: the
 * hot path's profile showed helmet's fourteen header functions and two body parsers on requests
 * that carry no body as a fifth of the event loop's time (bench/README.md).
 */

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
type Header = readonly [name: string, value: string];

/** The headers helmet sets for these options, read once from the middleware itself: the same set on every request. */
function helmetHeaders(options: HelmetOptions): Header[] {
  const headers: Header[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * The machine-to-machine token endpoints: they answer a token as text/plain or JSON, never a page,
 * so of the page headers they need only `nosniff` (and HSTS on https). Every other path, the pages,
 * the probes and anything added later, gets helmet's whole set.
 */
const TOKEN_PATHS = new Set(
  [ROUTES.maskinportenExchange, ROUTES.idportenExchange, ROUTES.token, ROUTES.refresh, ROUTES.introspection].map((path) => `/${path}`),
);
/** Kept on the token endpoints from helmet's set. */
const TOKEN_ENDPOINT_HEADERS = new Set(['x-content-type-options', 'strict-transport-security']);

function pathOf(url: string | undefined): string {
  const query = url?.indexOf('?') ?? -1;
  return query < 0 ? (url ?? '') : (url as string).slice(0, query);
}

/** Helmet's headers for `options`, computed once and set by one function: the whole set on pages, the few that apply on token endpoints. */
export function securityHeaders(options: HelmetOptions): Middleware {
  const all = helmetHeaders(options);
  const tokenEndpoint = all.filter(([name]) => TOKEN_ENDPOINT_HEADERS.has(name.toLowerCase()));
  return (req, res, next) => {
    const headers = TOKEN_PATHS.has(pathOf(req.url)) ? tokenEndpoint : all;
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * JSON and form bodies up to `limit`, parsed only for a request that has a body (RFC 9112 §6.3: a
 * Content-Length or Transfer-Encoding header), which is the test body-parser makes itself, after
 * two router layers, on every GET.
 */
export function bodyParsers(limit: string): Middleware {
  const parseJson = json({ limit });
  const parseForm = urlencoded({ limit, extended: false });
  return (req, res, next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      next();
      return;
    }
    const request = req as Request;
    const response = res as Response;
    parseJson(request, response, (error?: unknown) => (error ? next(error) : parseForm(request, response, next as NextFunction)));
  };
}
