import { z } from 'zod';
import type { Config } from '../config.ts';

// The OpenAPI document is built from a table of routes (server/api-doc.ts) whose bodies and
// parameters are the very zod schemas the routes read them with, so it cannot drift from the
// code; tests/unit/openapi.test.ts holds the table to the routes the app really registers.
//
// Why a table beside plain Hono routes rather than @hono/zod-openapi (1.6.3 takes zod 4 and
// hono 4): its createRoute/OpenAPIHono would mean rewriting every route and answering invalid
// bodies through its validation hook instead of jsonBody's sentences (request.ts), a change of
// behaviour for every client. Only three routes read a JSON body; a table that names their schemas
// is the smaller, safer change.

/** The JSON Schema of what a client sends, as z.toJSONSchema writes it. */
export const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

type JsonSchema = Record<string, unknown>;

/** An OpenAPI response object. */
export interface Answer {
  description: string;
  headers?: Record<string, { schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface Param {
  in: 'path' | 'query';
  name: string;
  /** The zod schema the route checks it with, or a JSON Schema when it checks it another way. */
  schema: z.ZodType | JsonSchema;
  description?: string;
}

/** One route as the document shows it. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** As OpenAPI writes it: each `:name` of the Hono path becomes `{name}`. */
  path: `/${string}`;
  summary: string;
  description?: string;
  /** Needs `Authorization: Bearer <token>`. */
  bearer?: boolean;
  params?: Param[];
  /** The schema the route reads its JSON body with (`jsonBody` in request.ts). */
  body?: { schema: z.ZodType; required: boolean };
  responses: Record<number, Answer>;
  /** Served only under this configuration; always when absent. */
  servedWhen?: (config: Config) => boolean;
}

export const error: Answer = {
  description: 'a readable error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { error: { type: 'string' }, requestId: { type: 'string' } },
      },
    },
  },
};

// Every limit answers 429 with Retry-After (seconds) and a sentence the app shows as it is.
export const limited: Answer = {
  description: 'a limit was reached: Retry-After (seconds) says when to try again',
  headers: { 'Retry-After': { schema: { type: 'integer' } } },
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: { type: 'string' },
          retryAfterMs: { type: 'integer' },
          requestId: { type: 'string' },
        },
      },
    },
  },
};

function operation(route: RouteDoc) {
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.bearer ? { security: [{ bearer: [] }] } : {}),
    ...(route.params
      ? {
          parameters: route.params.map(({ schema, ...param }) => ({
            ...param,
            required: true,
            schema: schema instanceof z.ZodType ? jsonSchema(schema) : schema,
          })),
        }
      : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required,
            content: { 'application/json': { schema: jsonSchema(route.body.schema) } },
          },
        }
      : {}),
    responses: route.responses,
  };
}

/** The HTTP API as OpenAPI 3.1: the routes served under `config`, and named shared schemas. */
export function openApiDocument(
  config: Config,
  routes: readonly RouteDoc[],
  schemas: Record<string, z.ZodType>,
) {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of routes) {
    if (route.servedWhen && !route.servedWhen(config)) continue;
    (paths[route.path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Refrain API', version: '1' },
    servers: [{ url: config.publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [name, jsonSchema(schema)]),
      ),
    },
    paths,
  };
}
