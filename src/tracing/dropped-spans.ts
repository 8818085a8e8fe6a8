import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Spans lost since start, for the metrics: never an error, never a wait for the request that made them. */
export class DroppedSpans {
  /** The export queue was full (the collector is slower than the traffic, or away). */
  queueFull = 0;
  /** The collector did not take an export (unreachable, refused, or no answer in time). */
  exportFailed = 0;

  counts(): { queueFull: number; exportFailed: number } {
    return { queueFull: this.queueFull, exportFailed: this.exportFailed };
  }
}

export interface BatchSettings {
  scheduledDelayMs: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

/**
 * The SDK's BatchSpanProcessor (spans are queued and exported in batches by a timer, never on the
 * request's path), with the spans it loses counted: the queue's length is mirrored here, so a span
 * that would overflow it is counted and not handed on, and an export the collector did not take
 * counts its spans.
 */
export class CountedBatchProcessor implements SpanProcessor {
  private readonly batch: BatchSpanProcessor;
  private queued = 0;

  constructor(
    exporter: SpanExporter,
    private readonly settings: BatchSettings,
    private readonly dropped: DroppedSpans,
  ) {
    const counting: SpanExporter = {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        // The processor has taken these out of its queue.
        this.queued -= spans.length;
        exporter.export(spans, (result) => {
          if (result.code !== ExportResultCode.SUCCESS) this.dropped.exportFailed += spans.length;
          done(result);
        });
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    };
    this.batch = new BatchSpanProcessor(counting, {
      scheduledDelayMillis: settings.scheduledDelayMs,
      maxQueueSize: settings.maxQueueSize,
      maxExportBatchSize: settings.maxExportBatchSize,
    });
  }

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queued >= this.settings.maxQueueSize) {
      this.dropped.queueFull += 1;
      return;
    }
    this.queued += 1;
    this.batch.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}
