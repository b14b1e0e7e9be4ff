import type { MouseEvent, ReactNode } from 'react';

// The app's frame without its behaviour: the app renders it around every screen, and the build
// renders the same frame around Home's first view into the page itself (vite.config.ts). On "/"
// the app then adopts that markup as it is (hydration), so it must render exactly this on its
// first pass. Nothing here may import more than React: the build runs it in Node.

/** What a link needs to be rendered: its address, and in the app a handler that stays in the page. */
export type LinkProps = (path: string) => {
  href: string;
  onClick?: (e: MouseEvent<HTMLAnchorElement>) => void;
};

/**
 * The sync badge before the app knows anything, what the painted page and the app's first pass
 * show: its place kept, its words hidden (client/styles.css).
 */
export function StartingBadge() {
  return (
    <p className="sync-badge sync-badge--starting" role="status">
      Starting…
    </p>
  );
}

/** Header (title, navigation, sync state), the screen, and what floats over it. */
export function ShellView(props: {
  link: LinkProps;
  status: ReactNode;
  children: ReactNode;
  after?: ReactNode;
}) {
  const { link } = props;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="row row--between">
          <h1>
            <a {...link('/')}>Refrain</a>
          </h1>
          <nav aria-label="Main">
            <a {...link('/')}>My songs</a> · <a {...link('/library')}>Library</a> ·{' '}
            <a {...link('/devices')}>Devices</a>
          </nav>
        </div>
        <p className="shell__tagline">A song made for someone, from your phone.</p>
        {props.status}
      </header>
      <main id="main">{props.children}</main>
      {props.after}
    </div>
  );
}
