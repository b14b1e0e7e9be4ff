import { useQuery } from '@rocicorp/zero/react';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { queries } from '../../schema/queries.ts';
import { mintLinks, type SongLinks } from '../data/downloads.ts';
import { failureText } from '../data/failure.ts';
import { keptSongs, removeKept, type KeptSong } from '../data/kept.ts';
import { useApp } from '../ui/context.ts';
import { LiveScope } from '../ui/live-sync.ts';
import { linkProps } from '../ui/router.ts';
import { LibrarySong, sizeText, type LibraryEntry, type Mint } from './LibrarySong.tsx';

/** A player's link is used again while younger than this; a tap always mints a new one. */
const LINK_REUSE_MS = 10 * 60_000;

/** The songs kept on this device, read again after each change. */
function useKept() {
  const [songs, setSongs] = useState<KeptSong[] | null>(null);
  const reload = useCallback(() => {
    void keptSongs().then(setSongs, () => setSongs([]));
  }, []);
  useEffect(reload, [reload]);
  return { songs, reload };
}

/** Links minted per form: one request serves every song of it on screen. */
function useMint(token: string | undefined): Mint {
  const minted = useRef(new Map<string, { at: number; links: Promise<SongLinks[]> }>());
  return useCallback(
    (formId, fresh = false) => {
      const known = minted.current.get(formId);
      if (!fresh && known && Date.now() - known.at < LINK_REUSE_MS) return known.links;
      if (!token) return Promise.reject(new Error('this device is not signed in yet'));
      const links = mintLinks(token, formId);
      minted.current.set(formId, { at: Date.now(), links });
      links.catch(() => minted.current.delete(formId));
      return links;
    },
    [token],
  );
}

/**
 * The library: every song this person bought, on any device of theirs (the list comes from the
 * server through live sync, so a device joined by a resume link has it too), to play in full,
 * download at any time, and keep on this device for listening offline.
 */
export function Library() {
  const { hasZero, session } = useApp();
  const kept = useKept();
  const mint = useMint(session?.token);
  const keptHere = kept.songs ?? [];
  return (
    <section aria-labelledby="library-title" data-testid="library">
      <h2 id="library-title">Library</h2>
      <p className="hint">
        Every song you bought, on every device you use. Play it, download it any time, or keep it on
        this device to listen offline.
      </p>
      {hasZero ? (
        <LiveScope>
          <ServerSongs kept={keptHere} mint={mint} onChange={kept.reload} />
        </LiveScope>
      ) : (
        <SongList
          songs={keptHere.map(entryOfKept)}
          kept={keptHere}
          mint={mint}
          onChange={kept.reload}
          empty={
            kept.songs &&
            'Your bought songs show here once this device has connected. Songs kept on this device show here even offline.'
          }
        />
      )}
      {kept.songs && <DeviceStorage kept={keptHere} onChange={kept.reload} />}
    </section>
  );
}

const entryOfKept = (k: KeptSong): LibraryEntry => ({
  takeId: k.takeId,
  formId: k.formId,
  songIndex: k.songIndex,
  title: k.title,
  recipient: k.recipient,
});

/** The bought songs from the server's paid orders, plus any kept here it has not brought yet. */
function ServerSongs({
  kept,
  mint,
  onChange,
}: {
  kept: KeptSong[];
  mint: Mint;
  onChange: () => void;
}) {
  const [orders, { type }] = useQuery(queries.myOrders());
  const [forms] = useQuery(queries.myForms());
  const [covers] = useQuery(queries.myCovers());
  const songs = new Map<string, LibraryEntry>();
  for (const order of orders) {
    if (order.status !== 'paid') continue;
    const draft = forms.find((f) => f.id === order.formId)?.draft;
    for (const item of [...order.items].sort((a, b) => a.songIndex - b.songIndex)) {
      if (songs.has(item.takeId)) continue;
      songs.set(item.takeId, {
        takeId: item.takeId,
        formId: order.formId,
        songIndex: item.songIndex,
        title: item.title?.trim() || `Song ${item.songIndex + 1}`,
        recipient: draft?.songs[item.songIndex]?.recipient.trim() ?? '',
        boughtAt: order.paidAt ?? order.createdAt,
        coverUrl: covers.find((c) => c.id === item.slotId)?.coverUrl ?? undefined,
      });
    }
  }
  for (const k of kept) if (!songs.has(k.takeId)) songs.set(k.takeId, entryOfKept(k));
  return (
    <SongList
      songs={[...songs.values()]}
      kept={kept}
      mint={mint}
      onChange={onChange}
      empty={
        type === 'complete' ? (
          <>
            No bought songs yet. Songs you pay for show here, on every device you use.{' '}
            <a {...linkProps('/')}>Go to my songs</a>
          </>
        ) : (
          'Looking for your songs…'
        )
      }
    />
  );
}

function SongList({
  songs,
  kept,
  mint,
  onChange,
  empty,
}: {
  songs: LibraryEntry[];
  kept: KeptSong[];
  mint: Mint;
  onChange: () => void;
  empty: ReactNode;
}) {
  if (songs.length === 0) {
    return empty ? (
      <p className="empty" data-testid="library-empty">
        {empty}
      </p>
    ) : null;
  }
  return (
    <ul className="cards" data-testid="library-songs">
      {songs.map((song) => (
        <LibrarySong
          key={song.takeId}
          song={song}
          kept={kept.find((k) => k.takeId === song.takeId)}
          mint={mint}
          onChange={onChange}
        />
      ))}
    </ul>
  );
}

/**
 * What keeping songs costs this device: the songs kept and their size, what the browser counts
 * for Refrain against what it allows, and a way to free it all.
 */
function DeviceStorage({ kept, onChange }: { kept: KeptSong[]; onChange: () => void }) {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number }>();
  const [persisted, setPersisted] = useState<boolean>();
  const [error, setError] = useState<string | null>(null);
  const keptBytes = kept.reduce((sum, k) => sum + k.bytes, 0);
  useEffect(() => {
    let stop = false;
    void navigator.storage
      ?.estimate()
      .then((e) => !stop && setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }));
    void navigator.storage?.persisted?.().then((p) => !stop && setPersisted(p));
    return () => {
      stop = true;
    };
  }, [keptBytes, kept.length]);

  const removeAll = async () => {
    setError(null);
    try {
      for (const k of kept) await removeKept(k.takeId);
    } catch (err) {
      setError(`Could not remove them: ${failureText(err)}.`);
    }
    onChange();
  };

  return (
    <section
      className="card library-storage"
      aria-labelledby="storage-title"
      data-testid="library-storage"
      data-kept-bytes={keptBytes}
      data-usage={estimate?.usage}
    >
      <h3 id="storage-title">Storage on this device</h3>
      <p data-testid="library-kept">
        {kept.length === 0
          ? 'No songs are kept on this device. Keep one to listen without a connection.'
          : `${kept.length} song${kept.length === 1 ? '' : 's'} kept on this device: ${sizeText(keptBytes)}.`}
      </p>
      {estimate && (
        <p className="hint" data-testid="library-usage">
          Refrain uses {sizeText(estimate.usage)} of this device&rsquo;s storage
          {estimate.quota > estimate.usage
            ? `; about ${sizeText(estimate.quota - estimate.usage)} more is free for it`
            : ''}
          .
        </p>
      )}
      {kept.length > 0 && persisted !== undefined && (
        <p className="hint">
          {persisted
            ? 'Kept songs stay until you remove them.'
            : 'Your browser may remove kept songs if this device runs short of space.'}
        </p>
      )}
      {kept.length > 0 && (
        <button
          type="button"
          className="button"
          onClick={() => void removeAll()}
          data-testid="library-remove-all"
        >
          Remove all from this device
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
