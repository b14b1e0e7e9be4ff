import type { Guest } from '../../tests/helpers/api.ts';

/**
 * A guest made through POST /api/session. The test helper of the same name defaults its base URL
 * through vitest's inject, and importing vitest outside its runner throws, so benches use this one.
 */
export async function makeGuest(baseUrl: string): Promise<Guest> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201) throw new Error(`POST /api/session answered ${res.status}`);
  const { token, ownerId } = (await res.json()) as { token: string; ownerId: string };
  return {
    token,
    ownerId,
    baseUrl,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...init.headers,
        },
      }),
  };
}
