import { renderToString } from 'react-dom/server';
import { ShellView, StartingBadge } from '../ui/ShellView.tsx';
import { FirstVisitHome, SAMPLE_SLOTS, SampleCardView, SamplesView } from './HomeView.tsx';

// Home as the build paints it into index.html (vite.config.ts), from the app's own components. It
// is rendered as the app's first pass on "/" renders (renderToString keeps the marks React needs
// to adopt adjacent text), and carries comment marks for what only the server knows
// (server/http/shell.ts): the home view, which only "/" keeps, and the samples, one card per
// sample and one line per lyric. Never part of the app's bundle: only the build imports it.

const HOME = '%%home%%';
const SAMPLES = '%%samples%%';
const CARDS = '%%cards%%';

/** The markup that goes inside #root. */
export function paintedShell(): string {
  const card = renderToString(<SampleCardView sample={SAMPLE_SLOTS} />);
  const samples = renderToString(<SamplesView hint="{{samples:hint}}">{CARDS}</SamplesView>);
  const home = renderToString(<FirstVisitHome samples={SAMPLES} />);
  const frame = renderToString(
    <ShellView link={(href) => ({ href })} status={<StartingBadge />}>
      {HOME}
    </ShellView>,
  );
  const filled = frame
    .replace(HOME, `<!--home-->${home}<!--/home-->`)
    .replace(SAMPLES, `<!--samples-->${samples}<!--/samples-->`)
    .replace(CARDS, `<!--sample-->${card}<!--/sample-->`);
  for (const mark of [HOME, SAMPLES, CARDS]) {
    if (filled.includes(mark)) throw new Error(`the painted page kept ${mark}`);
  }
  return filled;
}
