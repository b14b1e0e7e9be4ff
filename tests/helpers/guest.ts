/** A guest made through the real API, with a fetch that carries its token. */
export interface Guest {
  token: string;
  ownerId: string;
  baseUrl: string;
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
}

// No vitest import here: benches run outside the test runner and use this too.
export async function createGuest(baseUrl: string): Promise<Guest> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201) throw new Error(`POST /api/session answered ${res.status}`);
  const { token, ownerId } = (await res.json()) as { token: string; ownerId: string };
  return guestWith(baseUrl, { token, ownerId });
}

/** The guest a token stands for: another device's, a signed-out one's, a page's own. */
export function guestWith(baseUrl: string, session: { token: string; ownerId: string }): Guest {
  const { token, ownerId } = session;
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
