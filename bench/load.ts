// The load generator, in its own process: autocannon against one URL, rotating through distinct tokens.
import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  tokens: string[];
  /**
   * Sends each token as a form field of a POST (RFC 8693 at a token endpoint) instead of as a Bearer
   * header: `body` is the form before the token, `authorization` the client's Basic credentials.
   */
  form?: { body: string; authorization: string };
}

export interface LoadResult {
  requests: number;
  /** Answered during the warm-up, which the service's CPU time includes. */
  warmupRequests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function run(request: LoadRequest, duration: number): Promise<autocannon.Result> {
  let next = 0;
  const { tokens, form } = request;
  const bearer: autocannon.Request = {
    method: 'GET',
    setupRequest: (req) => {
      if (tokens.length === 0) return req;
      const token = tokens[next++ % tokens.length];
      return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
    },
  };
  const posted = (body: string, authorization: string): autocannon.Request => ({
    method: 'POST',
    setupRequest: (req) => ({
      ...req,
      headers: { ...req.headers, authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: `${body}${encodeURIComponent(tokens[next++ % tokens.length])}`,
    }),
  });
  return autocannon({
    url: request.url,
    connections: request.connections,
    duration,
    requests: [form ? posted(form.body, form.authorization) : bearer],
  });
}

process.on('message', (request: LoadRequest) => {
  void (async () => {
    const warmup = request.warmupSeconds > 0 ? await run(request, request.warmupSeconds) : undefined;
    const result = await run(request, request.durationSeconds);
    const outcome: LoadResult = {
      requests: result.requests.total,
      warmupRequests: warmup?.requests.total ?? 0,
      rps: result.requests.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    };
    process.send?.(outcome);
  })();
});
