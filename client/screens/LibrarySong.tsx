import { useEffect, useRef, useState } from 'react';
import { saveFrom, type SongLinks } from '../data/downloads.ts';
import { failureText, playbackFailure } from '../data/failure.ts';
import { keepSong, keptAudioPath, keptCoverPath, removeKept, type KeptSong } from '../data/kept.ts';

/** A bought song as the library lists it. */
export interface LibraryEntry {
  takeId: string;
  formId: string;
  songIndex: number;
  title: string;
  recipient: string;
  /** When it was paid for, if this device has heard from the server. */
  boughtAt?: number;
  /** Its cover on the server, if the provider drew one. */
  coverUrl?: string;
}

/** Links for a form's songs: cached ones for a player, `fresh` ones for a tap. */
export type Mint = (formId: string, fresh?: boolean) => Promise<SongLinks[]>;

const unitFormat = (unit: string) =>
  new Intl.NumberFormat(undefined, { style: 'unit', unit, maximumFractionDigits: 1 });
const sizes = [
  { bytes: 1e9, format: unitFormat('gigabyte') },
  { bytes: 1e6, format: unitFormat('megabyte') },
  { bytes: 1e3, format: unitFormat('kilobyte') },
];

/** A size a person reads at a glance: "3.4 MB", "820 kB". */
export function sizeText(bytes: number): string {
  const size = sizes.find((s) => bytes >= s.bytes) ?? sizes[2]!;
  return size.format.format(bytes / size.bytes);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Whether the browser says it is online, kept current. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** What a song's buttons do; each names its button's test id (`library-<action>`). */
type Action = 'download' | 'lyrics' | 'keep' | 'remove';

/** How long after a player's link failed it may ask for a new one by itself again. */
const RETRY_AFTER_MS = 60_000;

/**
 * One bought song: the whole song to play (from this device when kept here, else through a link
 * the server mints for it), downloads minted at the tap, and keeping it here or removing it.
 */
export function LibrarySong({
  song,
  kept,
  mint,
  onChange,
}: {
  song: LibraryEntry;
  kept: KeptSong | undefined;
  mint: Mint;
  onChange: () => void;
}) {
  const online = useOnline();
  const [src, setSrc] = useState<string>();
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastRetry = useRef(0);
  const resumeAt = useRef<number | null>(null);
  const player = useRef<HTMLAudioElement>(null);
  // The worker serves kept songs; a page it does not control yet plays through a link instead.
  const fromDevice = !!kept && !!navigator.serviceWorker?.controller;

  const linkOf = async (fresh: boolean) => {
    const link = (await mint(song.formId, fresh)).find((l) => l.takeId === song.takeId);
    if (!link) throw new Error('this song is no longer paid for on this account');
    return link;
  };

  useEffect(() => {
    if (fromDevice) {
      setSrc(keptAudioPath(song.takeId));
      return;
    }
    if (!online) return;
    let stop = false;
    linkOf(false).then(
      (link) => !stop && setSrc(link.mp3Url),
      (err: unknown) => !stop && setError(`It cannot be played now: ${failureText(err)}.`),
    );
    return () => {
      stop = true;
    };
  }, [fromDevice, online, song.takeId, song.formId]);

  // A replaced link plays on at once (with preload none, nothing loads until asked to play).
  useEffect(() => {
    if (resumeAt.current !== null) void player.current?.play().catch(() => undefined);
  }, [src]);

  // A link that stopped working (it lasts 15 minutes) is replaced once, and the song goes on
  // from where it was: a player loads only when asked to play (preload none), so it was playing.
  const onError = (audio: HTMLAudioElement) => {
    if (fromDevice || Date.now() - lastRetry.current < RETRY_AFTER_MS || !navigator.onLine) {
      setError(`It stopped: ${playbackFailure()}.`);
      return;
    }
    lastRetry.current = Date.now();
    resumeAt.current = audio.currentTime;
    linkOf(true).then(
      (link) => setSrc(link.mp3Url),
      (err: unknown) => setError(`It stopped: ${failureText(err)}.`),
    );
  };

  const act = async (what: NonNullable<typeof busy>, run: () => Promise<void>, failed: string) => {
    setBusy(what);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(`${failed}: ${failureText(err)}.`);
    } finally {
      setBusy(null);
    }
  };
  const download = (what: 'download' | 'lyrics') =>
    act(
      what,
      async () => {
        const link = await linkOf(true);
        saveFrom(what === 'download' ? link.mp3Url : link.lyricsUrl);
      },
      'Could not download it',
    );
  const keep = () =>
    act(
      'keep',
      async () => {
        const link = await linkOf(true);
        await keepSong(
          {
            takeId: song.takeId,
            formId: song.formId,
            songIndex: song.songIndex,
            title: song.title,
            recipient: song.recipient,
          },
          link.mp3Url,
          song.coverUrl,
        );
        // Asked when the person shows they want it kept: the browser may then keep it for good.
        await navigator.storage?.persist?.().catch(() => false);
        onChange();
      },
      'Could not keep it on this device',
    );
  const remove = () =>
    act(
      'remove',
      async () => {
        await removeKept(song.takeId);
        onChange();
      },
      'Could not remove it',
    );

  const actions: [Action, string, string, () => Promise<void>][] = [
    ['download', 'Download', 'Preparing…', () => download('download')],
    ['lyrics', 'Lyrics', 'Preparing…', () => download('lyrics')],
    kept
      ? ['remove', 'Remove from this device', 'Removing…', remove]
      : ['keep', 'Keep on this device', 'Saving to this device…', keep],
  ];
  const titleId = `library-song-${song.takeId}`;
  const cover = fromDevice && kept?.hasCover ? keptCoverPath(song.takeId) : song.coverUrl;
  return (
    <li
      className="card library-song"
      data-testid="library-song"
      data-take-id={song.takeId}
      data-kept={kept ? 'yes' : 'no'}
    >
      <div className="library-song__head">
        {cover && <img className="library-song__cover" src={cover} alt="" width={64} height={64} />}
        <div>
          <h3 id={titleId} className="library-song__title">
            {song.title}
          </h3>
          <p className="card__meta">
            {song.recipient ? `For ${song.recipient}` : `Song ${song.songIndex + 1}`}
            {song.boughtAt ? ` · bought ${dayFormat.format(song.boughtAt)}` : ''}
            {kept && (
              <span data-testid="library-kept-size"> · on this device, {sizeText(kept.bytes)}</span>
            )}
          </p>
        </div>
      </div>
      {fromDevice || online ? (
        <audio
          controls
          // A kept song's length costs nothing to read; others load only when played.
          preload={fromDevice ? 'metadata' : 'none'}
          src={src}
          ref={player}
          aria-label={`Play ${song.title}`}
          data-testid="library-play"
          onError={(e) => onError(e.currentTarget)}
          onLoadedMetadata={(e) => {
            if (resumeAt.current === null) return;
            e.currentTarget.currentTime = resumeAt.current;
            resumeAt.current = null;
          }}
        />
      ) : (
        <p className="hint" data-testid="library-offline">
          It plays when you are back online. Keep it on this device to listen without a connection.
        </p>
      )}
      <div className="row">
        {actions.map(([what, label, working, run]) => (
          <button
            key={what}
            type="button"
            className="button"
            disabled={busy !== null}
            onClick={() => void run()}
            data-testid={`library-${what}`}
          >
            {busy === what ? working : label}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" data-testid="library-error">
          {error}
        </p>
      )}
    </li>
  );
}
