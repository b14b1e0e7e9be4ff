import { useEffect } from 'react';
import { MAX_SONGS } from '../../schema/draft-fields.ts';
import { createDraft } from '../data/drafts.ts';
import type { LocalDraft } from '../data/db.ts';
import { useApp } from '../ui/context.ts';
import { useLive } from '../ui/live.ts';
import { navigate } from '../ui/router.ts';
import { SampleSongs } from '../ui/SampleSongs.tsx';
import { packagePrice, useSite } from '../ui/site.ts';
import { FormList, toRows } from './HomeList.tsx';
import { HomeView, PriceText } from './HomeView.tsx';

/** The price line, once the installation's prices are known. */
function PriceLine() {
  const site = useSite();
  const one = packagePrice(site, 1);
  const most = packagePrice(site, MAX_SONGS);
  return one && most ? <PriceText one={one} most={most} /> : null;
}

/** History: every form and draft of mine, newest first, with what I can do with each. */
export function Home() {
  const { db, live, sync } = useApp();
  const drafts = useLive(() => db.drafts.orderBy('updatedAt').reverse().toArray(), [db], []);

  const startNew = async (from?: LocalDraft['draft']) => {
    const formId = await createDraft(db, from);
    sync.kick(300);
    navigate(`/compose/${formId}`);
  };

  // The server's copy joins the list once live sync has started (it comes after the first paint).
  const list = live ? (
    <live.ServerList drafts={drafts} onDuplicate={startNew} />
  ) : (
    <FormList rows={toRows(drafts, [])} onDuplicate={startNew} drafts={drafts} />
  );
  return (
    <HomeView
      onNew={(e) => {
        e.preventDefault();
        void startNew();
      }}
      price={<PriceLine />}
      firstVisit={drafts.length === 0}
      list={list}
      samples={drafts.length === 0 && <SampleSongs />}
    />
  );
}

// One new draft per page load of /new, however often React runs the effect (StrictMode runs it
// twice): the address is replaced at once, so neither Back nor a reload comes here again.
let opening: Promise<string> | undefined;

/**
 * "/new": where "New song" leads when it is tapped before the app has started on Home (the painted
 * page's link). It opens a new draft's form in place of itself.
 */
export function NewSong() {
  const { db, sync } = useApp();
  useEffect(() => {
    opening ??= createDraft(db);
    void opening.then((formId) => {
      sync.kick(300);
      if (location.pathname !== '/new') return;
      history.replaceState(null, '', `/compose/${formId}`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
  }, [db, sync]);
  return <p>Opening a new song…</p>;
}
