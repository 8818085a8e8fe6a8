import type { Attributes } from '@opentelemetry/api';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { TracingImplementation } from '../common/tracing';

const OPERATION = /^\s*([A-Za-z]+)/;
/** The first table a statement names; the text itself is never recorded (a literal could be a pid). */
const COLLECTION = /\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+(?:"?\w+"?\.)?"?(\w+)"?/i;

/** Semantic-convention attributes of one statement: the system, the operation and the table, nothing else. */
export function queryAttributes(sql: string): Attributes {
  const operation = OPERATION.exec(sql)?.[1]?.toUpperCase();
  const collection = COLLECTION.exec(sql)?.[1];
  const attributes: Attributes = { 'db.system.name': 'postgresql' };
  if (operation) attributes['db.operation.name'] = operation;
  if (collection) attributes['db.collection.name'] = collection;
  return attributes;
}

type Query = (this: PostgresQueryRunner, query: string, parameters?: unknown[], useStructuredResult?: boolean) => Promise<unknown>;

/**
 * Every statement the service sends (PostgreSQL and the embedded PGlite alike go through TypeORM's
 * PostgreSQL query runner) becomes a client span: one per query, and one per batch, which TypeORM
 * sends as one statement. Returns the function that undoes it.
 */
export function traceDatabaseQueries(tracing: TracingImplementation): () => void {
  const prototype = PostgresQueryRunner.prototype as unknown as { query: Query };
  const original = prototype.query;
  prototype.query = function tracedQuery(this: PostgresQueryRunner, query: string, parameters?: unknown[], useStructuredResult?: boolean) {
    // In a request the sampler left out, the statement is not even parsed for its attributes.
    if (!tracing.recording()) return original.call(this, query, parameters, useStructuredResult);
    const attributes = queryAttributes(query);
    const name = [attributes['db.operation.name'], attributes['db.collection.name']].filter(Boolean).join(' ') || 'query';
    return tracing.inSpan(name, attributes, () => original.call(this, query, parameters, useStructuredResult), 'client');
  };
  return () => {
    prototype.query = original;
  };
}
