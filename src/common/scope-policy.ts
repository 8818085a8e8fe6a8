/** Delimiters after which a scope continues a configured one: `altinn:serviceowner/instances.read`. */
const CONTINUATIONS = ['/', '.'];
/** A configured value ending in one of these names a namespace (`altinn:`), never a scope by itself. */
const NAMESPACE_ENDS = [':', '/', '.'];

/**
 * Whether one scope matches a configured scope policy value as a whole: it equals the value, or
 * continues it after a `/` or `.` (`altinn:serviceowner` matches `altinn:serviceowner/x` but not
 * `altinn:serviceownerfake`). A value that ends in a delimiter (`altinn:`) matches only scopes that
 * continue it, never the bare namespace.
 */
export function scopeMatches(scope: string, value: string): boolean {
  if (value === '' || !scope.startsWith(value)) return false;
  const rest = scope.slice(value.length);
  if (NAMESPACE_ENDS.includes(value.at(-1) as string)) return rest.length > 0 && !CONTINUATIONS.includes(rest[0]);
  return rest === '' || (CONTINUATIONS.includes(rest[0]) && rest.length > 1);
}

/** Whether any of the space-separated scopes of a token matches any of the values. */
export function anyScopeMatches(scopeClaim: string | undefined, values: readonly string[]): boolean {
  const scopes = (scopeClaim ?? '').split(/\s+/).filter(Boolean);
  return scopes.some((scope) => values.some((value) => scopeMatches(scope, value)));
}
