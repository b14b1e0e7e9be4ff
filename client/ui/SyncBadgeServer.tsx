import { useQuery } from '@rocicorp/zero/react';
import { queries } from '../../schema/queries.ts';
import { SyncBadgeView } from './SyncBadge.tsx';

/**
 * Until the server's first copy of the person's songs has arrived, "all synced" would be a
 * promise not yet kept (on a new device the list is still empty): the badge says it is loading.
 */
export function SyncBadgeWithServer() {
  const [, { type }] = useQuery(queries.myForms());
  return <SyncBadgeView loading={type !== 'complete'} />;
}
