import { describe, it } from 'node:test';
import { expect } from 'expect';
import { AppModule } from '../app.module';
import { deriveSettings, parseEnvironment } from '../config';
import { droppedSpans, inSpan, spanRecording, tracingImplementation, upstreamCall } from './tracing';

describe('tracing switched off', () => {
  it('loads no OpenTelemetry SDK or exporter with the application', () => {
    const settings = deriveSettings(parseEnvironment({ NODE_ENV: 'test' }));
    expect(settings.tracing.enabled).toBe(false);
    AppModule.register(settings);
    const loaded = Object.keys(require.cache).filter((path) => /@opentelemetry[\\/](sdk-trace|exporter-|resources|otlp-)/.test(path));
    expect(loaded).toEqual([]);
    expect(tracingImplementation()).toBeUndefined();
  });

  it('runs what the hooks wrap as is: no span, no trace headers, no counts', async () => {
    expect(spanRecording()).toBe(false);
    expect(await inSpan('work', {}, (span) => Promise.resolve(span))).toBeUndefined();
    expect(await upstreamCall('jwks', 'GET', 'http://127.0.0.1/jwks', (headers, span) => Promise.resolve({ headers, span }))).toEqual({
      headers: {},
      span: undefined,
    });
    expect(droppedSpans()).toEqual({ queueFull: 0, exportFailed: 0 });
  });
});
