/**
 * The rows an UPDATE or DELETE ... RETURNING gave back: TypeORM answers those with `[rows, count]`
 * (PostgreSQL driver and PGlite alike), a SELECT or INSERT with the rows.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
