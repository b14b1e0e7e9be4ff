import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Sql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SyncBatch } from '../../schema/ops.ts';
import { PronounceQuery } from '../../schema/pronunciation.ts';
import { createApp, type AppServices } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { CheckoutRequest } from '../../server/payments/routes.ts';
import { PushEndpointBody, PushSubscriptionBody } from '../../server/push/routes.ts';
import { RedeemRequest } from '../../server/resume/routes.ts';

// GET /api/openapi.json against the routes the app really registers: none missing, none made up,
// and every documented body is the JSON Schema of the zod schema its route reads it with.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const noDatabase = (() => {
  throw new Error('no database in this test');
}) as unknown as Sql;

// Building the app runs no query and calls no service: handlers only run on a request. It is built
// without distDir: the PWA (server/http/static.ts) is pages and assets, not API.
function appFor(config: Config) {
  return createApp({ config, sql: noDatabase, tokens: {} as never, isSyncUp: async () => false }, {
    writer: { summary: { name: 'local' } },
    payments: {},
  } as unknown as AppServices);
}

/** Hono's `/api/audio/:file{[0-9a-f-]{36}\.mp3}` as OpenAPI writes it: `/api/audio/{file}`. */
const openApiPath = (honoPath: string) =>
  honoPath
    .split('/')
    .map((part) => (part.startsWith(':') ? `{${/^:(\w+)/.exec(part)![1]}}` : part))
    .join('/');

/** "POST /api/sync" for every endpoint the app registers. */
function served(app: Hono<never>): string[] {
  const all = app.routes.filter((route) => route.method === 'ALL');
  // app.use and the catch-alls that refuse unknown paths (/api/*, /zero/*) register as ALL; none
  // of them is an endpoint, and an ALL route that is not a wildcard would be one.
  expect(all.filter((route) => !route.path.endsWith('*'))).toEqual([]);
  const endpoints = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${openApiPath(route.path)}`);
  return [...new Set(endpoints)].sort();
}

// Zero's sync socket is answered by server/zero/proxy.ts on the upgrade, before Hono sees the
// request; Hono's /zero/* only refuses. It is documented, but no Hono route serves it.
const ZERO_SOCKET = 'GET /zero/sync/v{version}/connect';

interface Operation {
  requestBody?: { content: { 'application/json': { schema: unknown } } };
}
interface Document {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
}

async function documentOf(app: Hono<never>): Promise<Document> {
  const answer = await app.request('/api/openapi.json');
  expect(answer.status).toBe(200);
  return answer.json();
}

const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([where, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      route: `${method.toUpperCase()} ${where}`,
      op,
    })),
  );

/** Each route that reads a JSON body: the file that reads it, and the schema it names there. */
const BODIES: Record<string, { file: string; name: string; schema: z.ZodType }> = {
  'POST /api/sync': { file: 'server/sync/routes.ts', name: 'SyncBatch', schema: SyncBatch },
  'POST /api/forms/{formId}/checkout': {
    file: 'server/payments/routes.ts',
    name: 'CheckoutRequest',
    schema: CheckoutRequest,
  },
  'POST /api/resume-codes/redeem': {
    file: 'server/resume/routes.ts',
    name: 'RedeemRequest',
    schema: RedeemRequest,
  },
  'PUT /api/push/subscriptions': {
    file: 'server/push/routes.ts',
    name: 'PushSubscriptionBody',
    schema: PushSubscriptionBody,
  },
  'DELETE /api/push/subscriptions': {
    file: 'server/push/routes.ts',
    name: 'PushEndpointBody',
    schema: PushEndpointBody,
  },
};

/** Each route that checks its query string (`queryParams`): the file, and the schema it reads. */
const QUERIES: Record<string, { file: string; name: string; schema: z.ZodObject }> = {
  'GET /api/pronounce': {
    file: 'server/forms/pronunciation.ts',
    name: 'PronounceQuery',
    schema: PronounceQuery,
  },
};

const serverFiles = () =>
  fs
    .readdirSync(path.join(ROOT, 'server'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `server/${file}`);

const CONFIGS: [string, Config][] = [
  ['demo payments', loadConfig({})],
  ['Stripe payments', loadConfig({ STRIPE_SECRET_KEY: 'sk_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' })],
];

describe('the OpenAPI document', () => {
  it.each(CONFIGS)('names exactly the routes the app serves (%s)', async (_, config) => {
    const app = appFor(config) as unknown as Hono<never>;
    const doc = await documentOf(app);
    expect(doc.servers).toEqual([{ url: config.publicUrl }]);
    const documented = operations(doc).map(({ route }) => route);
    expect(documented).toContain(ZERO_SOCKET);
    expect(documented.filter((route) => route !== ZERO_SOCKET).sort()).toEqual(served(app));
  });

  it('documents each body with the JSON Schema of the zod schema its route reads', async () => {
    const doc = await documentOf(appFor(loadConfig({})) as unknown as Hono<never>);
    const bodies = operations(doc).filter(({ op }) => op.requestBody);
    expect(bodies.map(({ route }) => route).sort()).toEqual(Object.keys(BODIES).sort());
    for (const { route, op } of bodies) {
      expect(op.requestBody!.content['application/json'].schema, route).toEqual(
        z.toJSONSchema(BODIES[route]!.schema, { io: 'input', unrepresentable: 'any' }),
      );
    }
  });

  it('documents each checked query parameter with the zod schema its route reads', async () => {
    const doc = await documentOf(appFor(loadConfig({})) as unknown as Hono<never>);
    for (const [route, { schema }] of Object.entries(QUERIES)) {
      const [method, where] = route.split(' ') as [string, string];
      const op = doc.paths[where]![method.toLowerCase()] as unknown as {
        parameters: { in: string; name: string; schema: unknown }[];
      };
      expect(
        op.parameters.filter((p) => p.in === 'query'),
        route,
      ).toEqual(
        Object.entries(schema.shape).map(([name, field]) => ({
          in: 'query',
          name,
          required: true,
          schema: z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }),
        })),
      );
    }
    const reads = serverFiles().flatMap((file) =>
      [
        ...fs
          .readFileSync(path.join(ROOT, file), 'utf8')
          .matchAll(/\bqueryParams\(\s*c,\s*([^,)]+?)\)/g),
      ].map((m) => `${file} ${m[1]}`),
    );
    expect(reads.sort()).toEqual(
      Object.values(QUERIES)
        .map(({ file, name }) => `${file} ${name}`)
        .sort(),
    );
  });

  it('knows every route that reads a JSON body, and the schema it reads it with', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'server'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `server/${file}`);
    const reads = files.flatMap((file) =>
      [
        ...fs
          .readFileSync(path.join(ROOT, file), 'utf8')
          .matchAll(/\bjsonBody\(\s*c,\s*([^,]+?),/g),
      ].map((m) => `${file} ${m[1]}`),
    );
    expect(reads.sort()).toEqual(
      Object.values(BODIES)
        .map(({ file, name }) => `${file} ${name}`)
        .sort(),
    );
  });
});
