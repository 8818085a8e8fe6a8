import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** What one request learns on its way, for the code that reports on it. Never a token or a pid. */
export interface RequestContext {
  /** The request's own logger (bound to its id), while the request is logged. */
  logger?: Logger;
  /** The provider POST /token learnt from the subject token's issuer, for the timing metric. */
  provider?: string;
  /** Why the request was refused or failed (`expired`, `untrusted_issuer` ...), for the request line. */
  refusalReason?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const byResponse = new WeakMap<object, RequestContext>();

/** Opens a request's context, before anything can refuse the request (the body parser included). */
export function openRequestContext(response: object): RequestContext {
  const context: RequestContext = {};
  byResponse.set(response, context);
  return context;
}

/**
 * Runs the rest of the request inside its context: placed after the body parser, whose stream
 * events would otherwise continue outside it.
 */
export function runInRequestContext(response: object, next: () => void): void {
  storage.run(byResponse.get(response) ?? openRequestContext(response), next);
}

/** The context of the request being handled, or undefined outside one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** A response's request context, for code that runs when it finishes (outside the request's async context). */
export function requestContextOf(response: object): RequestContext | undefined {
  return byResponse.get(response);
}
