// A failed request, told in words a customer understands. The browser's own errors ("TypeError:
// Failed to fetch", "SyntaxError: Unexpected token") say nothing to a person on a phone, and an
// HTTP status says less; the server's own refusals are already written for people and pass as
// they are.

/** Why an HTTP answer without a refusal of its own failed. */
export function answerFailure(status: number): string {
  if (status === 401 || status === 403) return 'this device is no longer signed in';
  if (status === 404) return 'it is no longer there';
  if (status === 429) return 'there were too many tries; wait a minute and try again';
  if (status >= 500) return 'the server had a problem; try again in a moment';
  return `the server refused it (${status}); try again`;
}

/** Why a request failed: offline, unreachable, unreadable, or the server's own words. */
export function failureText(err: unknown, online = navigator.onLine): string {
  if (!online) return 'you are offline; try again when you are back online';
  // fetch rejects with a TypeError when no answer came at all: a dropped or blocked connection.
  if (err instanceof TypeError) {
    return 'the server could not be reached; check your connection and try again';
  }
  if (err instanceof SyntaxError) {
    return 'the answer could not be read (the connection may have been cut); try again';
  }
  if (err instanceof Error && err.message) return err.message;
  return 'something went wrong; try again';
}

/**
 * Why a player stopped with an error. A media element tells no more than that it failed (a
 * missing file and a cut connection look alike), so offline is said first, then what may help.
 */
export function playbackFailure(online = navigator.onLine): string {
  if (!online) return 'you are offline; it plays once you are back online';
  return 'it could not be loaded; check your connection and try again';
}
