import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import ipaddr from 'ipaddr.js';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { clientIp } from '../limits/address.ts';
import type { Metrics } from './metrics.ts';

const REFUSED =
  'These figures are for the people who run this shop: send the metrics token as a Bearer token, or ask from the machine itself.';

/**
 * GET /metrics: Prometheus' text format. The figures say how busy the shop is and what it spends,
 * so they are not public: a request needs METRICS_TOKEN, or must come from loopback (the client
 * address as the per-address limits read it, so a request relayed by a trusted proxy counts as
 * the address it came from, not as the proxy's loopback).
 */
export function metricsRoutes(
  deps: RouteDeps<never, 'metricsToken' | 'trustProxyHops'>,
  metrics: Metrics,
) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const token = deps.config.metricsToken;
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const byToken = token !== undefined && given !== undefined && sameSecret(given, token);
    if (!byToken && !isLoopback(clientIp(c, deps.config.trustProxyHops))) {
      c.header('cache-control', 'no-store');
      return c.text(REFUSED, given === undefined ? 401 : 403);
    }
    const { body, contentType } = await metrics.text();
    c.header('cache-control', 'no-store');
    c.header('content-type', contentType);
    return c.body(body);
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}
