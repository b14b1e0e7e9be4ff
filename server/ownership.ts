import { Refusal } from './errors.ts';

// Every row a person can reach carries owner_id; these are the two ways a wrong owner is answered.

/**
 * A form asked for by id over HTTP: someone else's answers exactly like a missing one, so form
 * ids cannot be probed for.
 */
export function requireOwnForm<T extends { owner_id: string }>(
  form: T | undefined,
  ownerId: string,
  formId: string,
): T {
  if (!form || form.owner_id !== ownerId) throw new Refusal('not_found', `no form ${formId}`);
  return form;
}

/**
 * A row an op names: the id came from the person's own device, so someone else's row is refused
 * as such (a missing one is the caller's to answer: a draft may create its form).
 */
export function refuseOthers(
  row: { owner_id: string } | undefined,
  ownerId: string,
  what: string,
): void {
  if (row && row.owner_id !== ownerId)
    throw new Refusal('forbidden', `${what} belongs to someone else`);
}
