import type { Request } from 'express';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

/** A malformed percent-encoding makes Express' matcher throw: such a path matches nothing. */
function matchesPath(layer: RouterLayer, path: string): boolean {
  try {
    return layer.match(path);
  } catch {
    return false;
  }
}

/**
 * The methods the app serves at the request's path, read from the Express router, so that a
 * wrong method is answered 405 with `Allow` instead of 404.
 */
export function allowedMethods(request: Request): string[] {
  const stack = (request.app as unknown as { router?: { stack: RouterLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    // Wildcard routes are middleware Nest binds for every method: they say nothing about what is served.
    if (!layer.route || layer.route.methods._all || layer.route.path.includes('*')) continue;
    if (!matchesPath(layer, request.path)) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on) methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
