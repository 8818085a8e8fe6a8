import { expect } from 'expect';
/** Asserts an RFC 9457 body with the given status and no internals, and returns it. */
export async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const text = await response.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(text).not.toMatch(/at \w+ \(|node_modules|\/src\/|SELECT |INSERT |QueryFailedError|stack/);
  return body;
}
