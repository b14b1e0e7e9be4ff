/** The IndexedDB database that holds this device's drafts, outbox and session. */
export const DATABASE_NAME = 'refrain';
