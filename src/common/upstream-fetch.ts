/** An upstream answered badly or not at all; never shown to clients as is. */
export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const MAX_DOCUMENT_BYTES = 512 * 1024;

/** GET a JSON object with a timeout and a size bound; anything else is an UpstreamError. */
export async function fetchJsonObject(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
    throw new UpstreamError(`${url}: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpstreamError(`${url}: HTTP ${response.status}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new UpstreamError(`${url}: the body could not be read within ${timeoutMs} ms`);
  }
  if (text.length > MAX_DOCUMENT_BYTES) throw new UpstreamError(`${url}: the document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError(`${url}: the body is not JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UpstreamError(`${url}: the body is not a JSON object`);
  return body as Record<string, unknown>;
}
