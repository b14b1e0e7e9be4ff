import type { Context } from 'hono';
import { z } from 'zod';
import { Refusal } from '../errors.ts';

// Reading what a request carries, one way everywhere: a refusal in words, never a 500.

export interface BodyWords {
  /** What an empty body stands for; without it an empty body is read as JSON (and refused). */
  empty?: unknown;
  /** The sentence for a body that is not JSON. */
  notJson?: string;
  /** The sentence for JSON that is not what the route takes. */
  invalid: (error: z.ZodError) => string;
}

/** The JSON body checked against `schema`. */
export async function jsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  words: BodyWords,
): Promise<z.output<T>> {
  const text = await c.req.text();
  let body: unknown = words.empty;
  if (words.empty === undefined || text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refusal('invalid', words.notJson ?? 'the body is not JSON');
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Refusal('invalid', words.invalid(parsed.error));
  return parsed.data;
}

/** What `uuidParam` accepts; the OpenAPI document describes such parameters with it. */
export const UuidParam = z.uuid();

/** A path parameter that must be a UUID (a form's id, a take's). */
export function uuidParam(c: Context, name: string): string {
  const parsed = UuidParam.safeParse(c.req.param(name));
  if (!parsed.success) throw new Refusal('invalid', `${name} must be a UUID`);
  return parsed.data;
}

/** The query string checked against `schema`; its messages are the refusal's words. */
export function queryParams<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  // One sentence per parameter: an empty name is "missing", not also "has no letter".
  const first = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const at = issue.path.join('.');
    if (!first.has(at)) first.set(at, issue.message);
  }
  throw new Refusal('invalid', [...first.values()].join('; '));
}
