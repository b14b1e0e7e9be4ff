import { useQuery } from '@rocicorp/zero/react';
import { queries } from '../schema/queries.ts';

/** The app shell: the person's songs as the server knows them, live. */
export function App() {
  const [forms, { type }] = useQuery(queries.myForms());
  return (
    <main className="shell">
      <header className="shell__header">
        <h1>Refrain</h1>
        <p className="shell__tagline">A song made for someone, from your phone.</p>
      </header>
      <section aria-labelledby="my-songs">
        <h2 id="my-songs">My songs</h2>
        {forms.length === 0 ? (
          <p data-testid="empty-state">
            {type === 'complete' ? 'Nothing here yet.' : 'Loading your songs…'}
          </p>
        ) : (
          <ul data-testid="form-list">
            {forms.map((f) => (
              <li key={f.id}>
                {f.songCount} song{f.songCount === 1 ? '' : 's'} · {f.status}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
