import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { builtMode } from '../../server/build/client.ts';
import { DIST_DIR } from '../../server/stack.ts';

// The run's own build, made under the test runner's NODE_ENV=test by the global set-up: still the
// production build, the one `npm start` serves, so the tests check what ships.
it('the build the tests made is the production build, and says so', () => {
  expect(process.env.NODE_ENV).toBe('test');
  expect(builtMode(DIST_DIR)).toBe('production');
  const chunks = fs.readdirSync(path.join(DIST_DIR, 'assets')).filter((f) => f.endsWith('.js'));
  expect(chunks.length).toBeGreaterThan(3);
  const development = chunks.filter((f) =>
    /\bjsxDEV\b|react-jsx-dev-runtime/.test(
      fs.readFileSync(path.join(DIST_DIR, 'assets', f), 'utf8'),
    ),
  );
  expect(development).toEqual([]);
});
