import { inject } from 'vitest';

/** A guest made through the real API, with helpers that carry its token. */
export interface Guest {
  token: string;
  ownerId: string;
  baseUrl: string;
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
}

export async function makeGuest(baseUrl = inject('stack').baseUrl): Promise<Guest> {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /api/session answered ${res.status}`);
  const { token, ownerId } = (await res.json()) as { token: string; ownerId: string };
  return {
    token,
    ownerId,
    baseUrl,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      }),
  };
}
