import { useEffect, useState } from 'react';

export type Route =
  | { name: 'home' }
  | { name: 'new' }
  | { name: 'compose'; formId: string }
  | { name: 'form'; formId: string }
  | { name: 'library' }
  | { name: 'devices' }
  | { name: 'resume'; code: string }
  | { name: 'missing' };

const UUID = '[0-9a-f-]{36}';

/** Reads a path (and the fragment, which carries a resume code) into a route. */
export function parseRoute(path: string, hash = ''): Route {
  let m: RegExpExecArray | null;
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/new') return { name: 'new' };
  if ((m = new RegExp(`^/compose/(${UUID})$`).exec(path)))
    return { name: 'compose', formId: m[1]! };
  if ((m = new RegExp(`^/forms/(${UUID})$`).exec(path))) return { name: 'form', formId: m[1]! };
  if (path === '/library') return { name: 'library' };
  if (path === '/devices') return { name: 'devices' };
  if (path === '/resume') return { name: 'resume', code: hash.replace(/^#/, '') };
  return { name: 'missing' };
}

/** Opens another screen, at its top: the results of a long form must not open scrolled past. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.hash);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onPop = () => setRoute(read());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return route;
}

/** A link that routes in the page instead of reloading it. */
export function linkProps(path: string) {
  return {
    href: path,
    onClick: (e: { preventDefault(): void; metaKey?: boolean; ctrlKey?: boolean }) => {
      if (e.metaKey || e.ctrlKey) return;
      e.preventDefault();
      navigate(path);
    },
  };
}
