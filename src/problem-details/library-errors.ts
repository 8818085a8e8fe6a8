/** What body-parser's and Express' errors (http-errors) carry; their messages are library text we never echo. */
export interface LibraryError {
  status: number;
  type?: string;
}

/** The client error a library raised (body-parser refusing a body), or undefined for anything else. */
export function libraryError(error: unknown): LibraryError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = candidate.status ?? candidate.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return { status, type: typeof candidate.type === 'string' ? candidate.type : undefined };
}
