import { describe, it } from 'node:test';
import { expect } from 'expect';
import { parseEnvironment } from './environment';
import { DEFAULT_TRACING_SERVICE_NAME, deriveSettings } from './settings';

const tracingOf = (env: Record<string, string>) => deriveSettings(parseEnvironment(env)).tracing;

describe('tracing settings (the standard OTEL_ variables)', () => {
  it('leave tracing off when no OTEL_ variable asks for it', () => {
    expect(tracingOf({}).enabled).toBe(false);
    expect(tracingOf({ OTEL_SERVICE_NAME: 'auth', OTEL_TRACES_SAMPLER: 'always_on' }).enabled).toBe(false);
  });

  it('turn tracing on with an endpoint, sending to its /v1/traces with the spec defaults', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({
      enabled: true,
      endpoint: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: DEFAULT_TRACING_SERVICE_NAME,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      exportTimeoutMs: 10_000,
      batch: { scheduledDelayMs: 5000, maxQueueSize: 2048, maxExportBatchSize: 512 },
    });
  });

  it('turn tracing on with OTEL_TRACES_EXPORTER=otlp alone, to the local collector', () => {
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ enabled: true, endpoint: 'http://localhost:4318/v1/traces' });
  });

  it('use the traces endpoint as given', () => {
    const tracing = tracingOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom/path',
    });
    expect(tracing.endpoint).toBe('https://traces.example/custom/path');
  });

  it('stay off when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
  });

  it('read the sampler, its ratio, the resource attributes (percent-decoded) and the headers', () => {
    const tracing = tracingOf({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource, deployment.environment.name=tt02,team=a%2Cb',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-tenant=platform',
    });
    expect(tracing).toMatchObject({
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.1,
      serviceName: 'from-resource',
      resourceAttributes: { 'service.name': 'from-resource', 'deployment.environment.name': 'tt02', team: 'a,b' },
      headers: { authorization: 'Basic abc', 'x-tenant': 'platform' },
    });
    expect(tracingOf({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=a', OTEL_SERVICE_NAME: 'b' }).serviceName).toBe('b');
  });

  it('refuse bad values, each with its rule, and never show the headers (they hold credentials)', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        parseEnvironment(env);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ OTEL_TRACES_EXPORTER: 'jaeger' })).toContain('OTEL_TRACES_EXPORTER must be otlp or none (got "jaeger")');
    expect(refusal({ OTEL_TRACES_SAMPLER: 'xray' })).toContain('OTEL_TRACES_SAMPLER must be one of always_on');
    expect(refusal({ OTEL_TRACES_SAMPLER_ARG: '-0.1' })).toContain('OTEL_TRACES_SAMPLER_ARG must be a sampling ratio from 0 to 1');
    expect(refusal({ OTEL_TRACES_SAMPLER_ARG: 'half' })).toContain('OTEL_TRACES_SAMPLER_ARG must be a sampling ratio');
    expect(refusal({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toContain('grpc is not supported');
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:pw@collector:4318' })).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL without credentials',
    );
    expect(refusal({ OTEL_RESOURCE_ATTRIBUTES: 'no-equals-sign' })).toContain('OTEL_RESOURCE_ATTRIBUTES must be a comma-separated list');
    expect(refusal({ OTEL_RESOURCE_ATTRIBUTES: 'a=%zz' })).toContain('OTEL_RESOURCE_ATTRIBUTES must be');
    expect(refusal({ OTEL_SDK_DISABLED: 'maybe' })).toContain('OTEL_SDK_DISABLED must be true or false');
    expect(refusal({ OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20' })).toContain(
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE must not exceed OTEL_BSP_MAX_QUEUE_SIZE',
    );
    const headers = refusal({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer secret-value' });
    expect(headers).toContain(
      'OTEL_EXPORTER_OTLP_HEADERS must be a comma-separated list of key=value pairs (values percent-encoded) (got "***")',
    );
    expect(headers).not.toContain('secret-value');
  });
});
