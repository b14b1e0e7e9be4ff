import { inject } from 'vitest';
import { createGuest, type Guest } from './guest.ts';

export type { Guest } from './guest.ts';

/** A guest of the shared stack, or of the server at `baseUrl`. */
export function makeGuest(baseUrl = inject('stack').baseUrl): Promise<Guest> {
  return createGuest(baseUrl);
}
