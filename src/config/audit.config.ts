import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const auditConfig = registerAs('audit', () => {
  const env = readEnvironment();
  return { bufferSize: env.AUDIT_BUFFER_SIZE, flushMs: env.AUDIT_FLUSH_MS, batchSize: 500 };
});
