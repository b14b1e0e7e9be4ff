import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { Refusal } from '../errors.ts';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { jsonBody } from '../http/request.ts';
import { resumeRedeemLimit } from '../limits/per-address.ts';

const LIFETIME_MS = 15 * 60 * 1000;
const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/** The body of POST /api/resume-codes/redeem: the code from the link's fragment. */
export const RedeemRequest = z.object({ code: z.string().min(10).max(100) });

/**
 * Continue on another device. The code travels in the link's fragment, so it never reaches a
 * server log; only its hash is stored, and redeeming it is one conditional UPDATE, so two devices
 * racing for one code cannot both win.
 */
export function resumeRoutes(
  deps: RouteDeps<'sql' | 'tokens', 'publicUrl' | 'trustProxyHops' | 'limits'>,
) {
  return new Hono<AppEnv>()
    .post('/', requireOwner(deps), async (c) => {
      const code = randomBytes(18).toString('base64url');
      const expiresAt = new Date(Date.now() + LIFETIME_MS);
      await deps.sql`
        insert into resume_codes (code_hash, owner_id, expires_at)
        values (${hash(code)}, ${c.get('ownerId')}, ${expiresAt})`;
      return c.json(
        {
          code,
          expiresAt: expiresAt.toISOString(),
          url: `${deps.config.publicUrl}/resume#${code}`,
        },
        201,
      );
    })
    .post('/redeem', resumeRedeemLimit(deps), async (c) => {
      const sendCode = 'send {"code": "<the code from the link>"}';
      const body = await jsonBody(c, RedeemRequest, {
        notJson: sendCode,
        invalid: () => sendCode,
      });
      const [row] = await deps.sql<{ owner_id: string }[]>`
        update resume_codes set used_at = now()
        where code_hash = ${hash(body.code)} and used_at is null and expires_at > now()
        returning owner_id`;
      if (!row) {
        throw new Refusal(
          'gone',
          'this link was already used or has expired; make a new one on the device you started on',
        );
      }
      return c.json({ token: await deps.tokens.sign(row.owner_id), ownerId: row.owner_id });
    });
}
