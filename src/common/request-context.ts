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

/**
 * What the process's one AsyncLocalStorage carries: the request's context and, with tracing on, the
 * active trace context (an OpenTelemetry Context, opaque here; src/tracing/ reads and sets it). One
 * storage for both because Node 20 copies every enabled storage's store onto every promise and
 * async resource: a second storage made every request pay for tracing, sampled or not.
 */
interface Scope {
  readonly request?: RequestContext;
  readonly trace?: unknown;
}

const storage = new AsyncLocalStorage<Scope>();
const byResponse = new WeakMap<object, RequestContext>();
/** The server span's trace context of a response, entered again after the body parser. */
const traceByResponse = new WeakMap<object, unknown>();

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
  storage.run({ request: byResponse.get(response) ?? openRequestContext(response), trace: traceByResponse.get(response) }, next);
}

/** The context of the request being handled, or undefined outside one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore()?.request;
}

/** A response's request context, for code that runs when it finishes (outside the request's async context). */
export function requestContextOf(response: object): RequestContext | undefined {
  return byResponse.get(response);
}

/** The active trace context (undefined outside any), for src/tracing/. */
export function activeTraceContext(): unknown {
  return storage.getStore()?.trace;
}

/** Runs `run` with `trace` as the active trace context, in the same request context. */
export function runInTraceContext<T>(trace: unknown, run: () => T): T {
  return storage.run({ request: storage.getStore()?.request, trace }, run);
}

/**
 * Runs the request's next middleware in its server span's trace context, and keeps that context
 * for `runInRequestContext`, which enters it again after the body parser.
 */
export function runInServerTraceContext(response: object, trace: unknown, next: () => void): void {
  traceByResponse.set(response, trace);
  storage.run({ trace }, next);
}
