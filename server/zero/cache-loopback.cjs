'use strict';
// Preloaded into zero-cache and, through the execArgv its workers inherit from fork(), into every
// process it starts (`node --require` this file). zero-cache binds its HTTP services to "::",
// every interface; its change streamer then hands every replicated row to anyone who connects.
// Here every TCP listen without a loopback host is bound to REFRAIN_LISTEN_HOST (127.0.0.1 by
// default) instead, whatever form of net.Server#listen the caller used. The supervisor checks
// the result from outside (server/process/listeners.ts), so a bind that escapes this still fails
// closed.
const net = require('node:net');

const HOST = process.env.REFRAIN_LISTEN_HOST || '127.0.0.1';

function isLoopback(host) {
  if (typeof host !== 'string') return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

// A pipe name, an fd, or an already bound handle carries no TCP address to change.
function isPreBound(options) {
  return (
    options.path != null ||
    options.fd != null ||
    options.handle != null ||
    options._handle != null ||
    options instanceof net.Server ||
    options instanceof net.Socket
  );
}

const toNumber = (x) => ((x = Number(x)) >= 0 ? x : false);

// Mirrors net.js normalizeArgs for listen(): (options[, cb]), (path[, backlog][, cb]),
// (port[, host][, backlog][, cb]), (handle[, backlog][, cb]) and ([cb]).
function confine(args) {
  const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
  const rest = cb ? args.slice(0, -1) : args;
  const [first] = rest;
  if (first !== null && typeof first === 'object') {
    if (isPreBound(first) || isLoopback(first.host) || first.host === HOST) return args;
    const { ipv6Only: _ipv6Only, ...options } = first;
    return [{ ...options, host: HOST }, ...args.slice(1)];
  }
  if (typeof first === 'string' && toNumber(first) === false) return args;
  const host = typeof rest[1] === 'string' ? rest[1] : undefined;
  if (isLoopback(host) || host === HOST) return args;
  const options = { port: first ?? 0, host: HOST };
  const backlog = toNumber(rest.length > 1 && rest[1]) || toNumber(rest.length > 2 && rest[2]);
  if (backlog !== false) options.backlog = backlog;
  return cb ? [options, cb] : [options];
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenConfined(...args) {
  return listen.apply(this, confine(args));
};
