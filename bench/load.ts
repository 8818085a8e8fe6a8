// The load generator, in its own process: autocannon against one URL, rotating through distinct tokens.
import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  tokens: string[];
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function run(request: LoadRequest, duration: number): Promise<autocannon.Result> {
  let next = 0;
  const { tokens } = request;
  return autocannon({
    url: request.url,
    connections: request.connections,
    duration,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          if (tokens.length === 0) return req;
          const token = tokens[next++ % tokens.length];
          return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
}

process.on('message', (request: LoadRequest) => {
  void (async () => {
    if (request.warmupSeconds > 0) await run(request, request.warmupSeconds);
    const result = await run(request, request.durationSeconds);
    const outcome: LoadResult = {
      requests: result.requests.total,
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
