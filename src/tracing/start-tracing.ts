import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DomainError } from '../common/errors';
import { activeTraceContext, runInServerTraceContext, runInTraceContext } from '../common/request-context';
import { installTracing, type TracingImplementation } from '../common/tracing';
import type { Settings } from '../config';
import { traceDatabaseQueries } from './database-spans';
import { CountedBatchProcessor, DroppedSpans } from './dropped-spans';
import { samplerFor } from './sampler';

export type TracingSettings = Settings['tracing'];

/** What main.ts (and a test) holds while tracing runs. */
export interface RunningTracing {
  /** Exports what is queued (bounded by `withinMs`), then uninstalls the hooks. */
  shutdown(withinMs?: number): Promise<void>;
}

const TRACER_NAME = 'platform-authentication';
/** The request's server span, for the exchange's outcome, wherever in the request it is announced. */
const SERVER_SPAN = createContextKey('authentication.server-span');
const SHUTDOWN_FLUSH_MS = 3000;

/** The OTLP/HTTP exporter for the configured protocol: only the one in use is loaded. */
async function exporterFor(settings: TracingSettings): Promise<SpanExporter> {
  const config = { url: settings.endpoint, headers: settings.headers, timeoutMillis: settings.exportTimeoutMs };
  if (settings.protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(config);
}

/** `url.full` without query, fragment or credentials (an upstream URL may carry a key in its query). */
function urlAttributes(url: string): Attributes {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { 'url.full': `${parsed.origin}${parsed.pathname}`, 'server.address': parsed.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/** The reason an error stands for: a domain error's reason, else the error's class (never its message). */
function errorType(error: unknown): string {
  if (error instanceof DomainError) return error.reason;
  return error instanceof Error ? error.name : 'unknown';
}

/** Marks `span` as failed, by the error's type only (a message may name a URL or worse), and ends it. */
function endFailed(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  span.end();
}

/** Ends `span` when the promise settles; a rejection marks it as an error. */
function endWith<T>(span: Span, run: () => Promise<T>): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = run();
  } catch (error) {
    endFailed(span, error);
    throw error;
  }
  return promise.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      endFailed(span, error);
      throw error;
    },
  );
}

/** The active trace context: kept in the request context's storage (src/common/request-context.ts says why). */
function activeContext(): Context {
  return (activeTraceContext() as Context | undefined) ?? ROOT_CONTEXT;
}

/**
 * Starts the OpenTelemetry SDK as the settings say and installs the service's tracing hooks
 * (src/common/tracing.ts). Nothing is registered globally: the tracer and the W3C propagator belong
 * to the hooks, so a process (a test) can start and stop tracing again.
 *
 * A request the sampler leaves out costs its ids, one non-recording span and one store of the
 * request context's storage: no child span, no attribute, no listener.
 */
export async function startTracing(settings: TracingSettings): Promise<RunningTracing> {
  const dropped = new DroppedSpans();
  const exporter = await exporterFor(settings);
  const processor = new CountedBatchProcessor(exporter, settings.batch, dropped);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...settings.resourceAttributes, 'service.name': settings.serviceName }),
    sampler: samplerFor(settings.sampler, settings.samplerRatio),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer(TRACER_NAME);
  const propagator = new W3CTraceContextPropagator();

  /** The parent for a child span: undefined when the request is not sampled (then no child is made). */
  const recordingParent = (): Context | undefined => {
    const parent = activeContext();
    const span = trace.getSpan(parent);
    return span && !span.isRecording() ? undefined : parent;
  };

  const implementation: TracingImplementation = {
    recording: () => recordingParent() !== undefined,

    inSpan<T>(name: string, attributes: Attributes, run: (span: Span) => Promise<T>, kind = 'internal'): Promise<T> {
      const parent = recordingParent();
      if (!parent) return run(trace.getSpan(activeContext()) as Span);
      const spanKind = kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
      const span = tracer.startSpan(name, { kind: spanKind, attributes }, parent);
      return runInTraceContext(trace.setSpan(parent, span), () => endWith(span, () => run(span)));
    },

    upstream<T>(operation: string, method: string, url: string, call: (headers: Record<string, string>, span: Span) => Promise<T>) {
      const headers: Record<string, string> = {};
      const parent = recordingParent();
      if (!parent) {
        // Not sampled: the upstream still learns the trace (with the sampled flag off).
        const active = activeContext();
        propagator.inject(active, headers, defaultTextMapSetter);
        return call(headers, trace.getSpan(active) as Span);
      }
      const attributes = { 'http.request.method': method, 'authentication.upstream': operation, ...urlAttributes(url) };
      const span = tracer.startSpan(`${method} ${operation}`, { kind: SpanKind.CLIENT, attributes }, parent);
      const context = trace.setSpan(parent, span);
      propagator.inject(context, headers, defaultTextMapSetter);
      return runInTraceContext(context, () => endWith(span, () => call(headers, span)));
    },

    serverSpans: (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
      const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
      const method = req.method ?? 'GET';
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
      const context = trace.setSpan(parent, span);
      if (!span.isRecording()) {
        // Its ids still reach the log lines and the upstream calls (with the sampled flag off).
        runInServerTraceContext(res, context, next);
        return;
      }
      span.setAttribute('http.request.method', method);
      res.once('close', () => {
        const route = (req as IncomingMessage & { route?: { path?: unknown } }).route?.path;
        if (typeof route === 'string') {
          span.updateName(`${method} ${route}`);
          span.setAttribute('http.route', route);
        }
        const id = (req as IncomingMessage & { id?: unknown }).id;
        if (typeof id === 'string') span.setAttribute('authentication.correlation_id', id);
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      runInServerTraceContext(res, context.setValue(SERVER_SPAN, span), next);
    },

    exchangeOutcome({ provider, outcome, reason }): void {
      const span = activeContext().getValue(SERVER_SPAN) as Span | undefined;
      if (!span?.isRecording()) return;
      span.setAttributes({ 'authentication.provider': provider, 'authentication.outcome': outcome });
      if (outcome === 'refused' || outcome === 'failed') {
        span.setAttribute('authentication.refusal_reason', reason ?? 'unknown');
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      } else {
        span.setStatus({ code: SpanStatusCode.OK });
      }
    },

    logFields(): Record<string, string> {
      // A fresh object each time: pino merges the line's own fields into what the mixin returns.
      const span = trace.getSpan(activeContext());
      if (!span) return {};
      const { traceId, spanId, traceFlags } = span.spanContext();
      return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags & TraceFlags.SAMPLED ? '01' : '00' };
    },

    droppedSpans: () => dropped.counts(),
  };

  const untraceDatabase = traceDatabaseQueries(implementation);
  installTracing(implementation);
  return {
    async shutdown(withinMs = SHUTDOWN_FLUSH_MS): Promise<void> {
      installTracing(undefined);
      untraceDatabase();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, withinMs);
        timer.unref();
      });
      // An unreachable collector must not hold up the exit: what is not exported by then is dropped.
      await Promise.race([provider.shutdown().catch(() => undefined), late]);
      clearTimeout(timer);
    },
  };
}
