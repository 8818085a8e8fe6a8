// A separate process standing in for an OpenTelemetry collector during `--trace-ratio` runs: takes
// OTLP/HTTP exports on 127.0.0.1 as a collector would (reads each body, answers 200) and counts them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let exportCount = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    exportCount += 1;
    const json = String(req.headers['content-type'] ?? '').startsWith('application/json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
// The parent asks how much arrived at the end of the run.
process.on('message', () => process.send?.({ exports: exportCount, bytes }));
process.on('disconnect', () => process.exit(0));
