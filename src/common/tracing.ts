import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Span } from '@opentelemetry/api';
import { DomainError } from './errors';

/**
 * The service's tracing hooks. Off (the default), every hook is one branch on `active` and then
 * exactly the untraced call: no OpenTelemetry module is loaded (this file imports types only). When
 * the OTEL_ variables switch tracing on, `src/tracing/` loads the SDK and installs its implementation
 * here before the application starts.
 *
 * Attributes never hold a token, a secret, a pid or a full organisation number.
 */
export interface TracingImplementation {
  /** Whether a span started now would be recorded (its request is sampled); false makes `inSpan` a plain call. */
  recording(): boolean;
  /** Runs `run` in a child span of the active one (kind client for a database call); the span ends when the promise settles. */
  inSpan<T>(name: string, attributes: Attributes, run: (span: Span) => Promise<T>, kind?: 'internal' | 'client'): Promise<T>;
  /** Runs `call` in a client span; `headers` carry `traceparent` (and `tracestate`) for the outgoing request. */
  upstream<T>(
    operation: string,
    method: string,
    url: string,
    call: (headers: Record<string, string>, span: Span) => Promise<T>,
  ): Promise<T>;
  /** Express middleware: the server span of each request, continuing the caller's `traceparent`. */
  readonly serverSpans: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Marks the request's server span with the exchange's outcome (its status, provider and reason). */
  exchangeOutcome(outcome: { provider: string; outcome: string; reason?: string }): void;
  /** The active span's ids, for a log line; empty outside a span. */
  logFields(): Record<string, string>;
  /** Spans dropped since start: the export queue was full, or the collector did not take them. */
  droppedSpans(): { queueFull: number; exportFailed: number };
}

let active: TracingImplementation | undefined;

/** Called by src/tracing/ once the SDK runs (and with undefined when it stops). */
export function installTracing(implementation: TracingImplementation | undefined): void {
  active = implementation;
}

/** The installed implementation, for what is wired once at start (middleware, log mixin, event listener). */
export function tracingImplementation(): TracingImplementation | undefined {
  return active;
}

/**
 * Whether a span started now would be recorded: false without tracing and in a request the sampler
 * left out. A caller whose span needs more than `inSpan`'s attributes (a wrapper, a catch) checks it first.
 */
export function spanRecording(): boolean {
  return active ? active.recording() : false;
}

/** `run` inside a child span named `name`; without tracing, just `run()`. */
export function inSpan<T>(name: string, attributes: Attributes, run: (span?: Span) => Promise<T>): Promise<T> {
  return active ? active.inSpan(name, attributes, run) : run(undefined);
}

/**
 * A token's verification in a `verify token` span: the provider (`platform` for one of our own
 * tokens) and the outcome, with the refusal's reason; never the token. The caller checks
 * `spanRecording()` first, so that an unrecorded request pays no wrapper.
 */
export function verificationInSpan<T>(provider: string, verify: () => Promise<T>): Promise<T> {
  return inSpan('verify token', { 'authentication.provider': provider }, async (span) => {
    try {
      const verified = await verify();
      span?.setAttribute('authentication.outcome', 'verified');
      return verified;
    } catch (error) {
      const refused = error instanceof DomainError && error.status < 500;
      span?.setAttributes({
        'authentication.outcome': refused ? 'refused' : 'failed',
        'authentication.refusal_reason': error instanceof DomainError ? error.reason : 'internal_error',
      });
      throw error;
    }
  });
}

/**
 * An outgoing HTTP call (discovery, JWKS, organisation source, an upstream token endpoint) in a client
 * span. `call` adds `headers` to its request (they carry `traceparent`; empty without tracing) and may
 * set `http.response.status_code` on the span. `operation` names what is fetched (`jwks`), for the span name.
 */
export function upstreamCall<T>(
  operation: string,
  method: string,
  url: string,
  call: (headers: Record<string, string>, span?: Span) => Promise<T>,
): Promise<T> {
  return active ? active.upstream(operation, method, url, call) : call({}, undefined);
}

/** Spans dropped since start, by reason; zeros without tracing. */
export function droppedSpans(): { queueFull: number; exportFailed: number } {
  return active ? active.droppedSpans() : { queueFull: 0, exportFailed: 0 };
}
