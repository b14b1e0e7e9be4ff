import { describe, expect, it } from 'vitest';
import { importsOf, sources } from '../helpers/imports.ts';

// The layering of docs/architecture.md, checked against the code's own imports: a file may
// import from its own folder or from a lower layer, never from a higher one. A new folder has to
// be given its layer here and in the document before anything can import it.

/** Lowest first. Folders end in `/`; top-level files are named as they are. */
export const LAYERS: string[][] = [
  ['schema/', 'server/log.ts', 'server/faults.ts'],
  ['server/errors.ts', 'server/auth/', 'server/media/', 'server/writer/', 'server/build/'],
  ['server/ownership.ts', 'server/config.ts', 'server/process/'],
  ['server/db/', 'server/engine/'],
  ['server/http/'],
  [
    'server/audio/',
    'server/limits/',
    'server/payments/',
    'server/zero/',
    'server/forms/',
    'server/health/',
    'server/push/',
    'server/receipts/',
  ],
  [
    'server/providers/',
    'server/resume/',
    'server/session/',
    'server/samples/',
    'server/site.ts',
    'server/gifts/',
    'server/metrics/',
  ],
  ['server/slots/'],
  ['server/sync/', 'server/delivery/', 'server/webhooks/'],
  ['server/api-doc.ts'],
  ['server/app.ts'],
  ['server/service.ts', 'server/stack.ts'],
  ['server/api.ts', 'server/main.ts', 'server/start.mjs'],
];

/** The layer unit a file belongs to: its top folder under server/ (or schema/), or itself. */
function unitOf(file: string): string {
  if (file.startsWith('schema/')) return 'schema/';
  const [, second, third] = file.split('/');
  return third === undefined ? file : `server/${second}/`;
}

function layerOf(unit: string): number {
  return LAYERS.findIndex((layer) => layer.includes(unit));
}

const files = [...sources('server'), ...sources('schema')];

describe('the layering of docs/architecture.md', () => {
  it('gives every folder and top-level file of server/ a layer', () => {
    const units = [...new Set(files.map(unitOf))];
    expect(units.filter((unit) => layerOf(unit) < 0)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const target of importsOf(file)) {
        const to = unitOf(target);
        if (to === from) continue;
        if (layerOf(to) >= layerOf(from)) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the browser side (client/, sw/) off the server: it shares only schema/', () => {
    const reaching = [...sources('client'), ...sources('sw')].flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('server/'))
        .map((target) => `${file} -> ${target}`),
    );
    expect(reaching).toEqual([]);
  });
});
