import { answerFailure } from './failure.ts';

/** One paid song's download links, as GET /api/forms/:formId/downloads mints them. */
export interface SongLinks {
  songIndex: number;
  takeId: string;
  title: string;
  mp3Url: string;
  wavUrl?: string;
  lyricsUrl: string;
}

/**
 * Fresh short-lived links to every paid song of a form, minted by the server for this owner
 * only. Asked for when they are needed (a tap, a player that must start), so none goes stale.
 */
export async function mintLinks(token: string, formId: string): Promise<SongLinks[]> {
  const res = await fetch(`/api/forms/${formId}/downloads`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? answerFailure(res.status));
  return body.songs;
}

/** Saves a file from a link the way a tap on a download link does. */
export function saveFrom(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}
