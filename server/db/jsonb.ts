import type { JSONValue, Parameter, Sql } from 'postgres';

/**
 * `value` as a jsonb parameter, which postgres.js writes with JSON.stringify. Its `json()` is
 * typed to take only its own JSONValue, which a provider's raw answer (`unknown`) or a record of
 * `unknown` values never is, though both came from JSON; this is the one place that says so.
 */
export function jsonb(sql: Sql, value: unknown): Parameter {
  return sql.json(value as JSONValue);
}
