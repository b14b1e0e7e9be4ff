// Errors that say nothing about the request: the connection to Postgres went away, or Postgres
// refused for a moment. The same request is likely to succeed a moment later.
const CONNECTION_CODES = new Set([
  // postgres.js
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  // the socket under it
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

// SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html): class 08 is a
// connection exception; 57P01 is what pg_terminate_backend sends.
const TRANSIENT_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (pg_cancel_backend)
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Whether `err` (or its cause) is a lost or refused database connection, or a retryable state. */
export function isTransient(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (CONNECTION_CODES.has(code) || TRANSIENT_STATES.has(code) || code.startsWith('08'))
        return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
