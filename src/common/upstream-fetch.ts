/** An upstream answered badly or not at all; never shown to clients as is. */
export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The most a discovery document or JWKS may hold; real ones are a few kilobytes. */
export const MAX_DOCUMENT_BYTES = 512 * 1024;

/** Raised when a body passes its byte cap; the read has been cancelled by then. */
export class DocumentTooLargeError extends UpstreamError {}

/**
 * Reads a body chunk by chunk and stops as soon as it passes `maxBytes`: leaving the loop cancels
 * the stream (a fetch body closes its connection, a file stream its descriptor), so no more than
 * one chunk past the cap is ever held, however large the answer.
 */
export async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new DocumentTooLargeError(`${what}: the document is larger than ${maxBytes} bytes; read cancelled`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Strict UTF-8 JSON whose top level is an object; anything else is an UpstreamError. */
export function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new UpstreamError(`${what}: the body is not JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UpstreamError(`${what}: the body is not a JSON object`);
  return body as Record<string, unknown>;
}

/**
 * GET a JSON object with a timeout over the whole exchange and a byte cap: a `Content-Length` over
 * the cap is refused before any of the body is read, and a body that passes it (chunked, or longer
 * than it said) is cancelled at once. Anything else wrong is an UpstreamError.
 */
export async function fetchJsonObject(url: string, timeoutMs: number, maxBytes = MAX_DOCUMENT_BYTES): Promise<Record<string, unknown>> {
  const cancel = new AbortController();
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel.signal]);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'error', headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
    throw new UpstreamError(`${url}: ${reason}`);
  }
  try {
    if (!response.ok) throw new UpstreamError(`${url}: HTTP ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes)
      throw new DocumentTooLargeError(`${url}: Content-Length ${declared} is over the cap of ${maxBytes} bytes; not read`);
    let bytes: Buffer;
    try {
      bytes = response.body ? await readCapped(response.body, maxBytes, url) : Buffer.alloc(0);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError(`${url}: the body could not be read within ${timeoutMs} ms`);
    }
    return parseJsonObject(bytes, url);
  } finally {
    // Whatever was not read is dropped with its connection, never drained.
    cancel.abort();
  }
}
