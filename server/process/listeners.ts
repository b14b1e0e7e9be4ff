import fs from 'node:fs';
import ipaddr from 'ipaddr.js';

/** A TCP socket in the LISTEN state. */
export interface Listener {
  address: string;
  port: number;
  /** The socket's inode: /proc/<pid>/fd links to it as `socket:[inode]`. */
  inode: number;
}

/** A listener together with the process holding it. */
export interface OwnedListener extends Listener {
  pid: number;
}

export interface ProcessListeners {
  listeners: OwnedListener[];
  /** Pids whose open files could not be read (another user's, without the right to look). */
  unreadable: number[];
}

const LISTEN = '0A';

/** Whether this machine exposes sockets through /proc (Linux). */
export function canReadListeners(): boolean {
  return fs.existsSync('/proc/self/net/tcp');
}

/**
 * Every listening TCP socket (IPv4 and IPv6) in the network namespace of `pid`, from
 * /proc/<pid>/net/tcp{,6}; see proc(5).
 */
export function listeningSockets(pid: number | 'self' = 'self'): Listener[] {
  const found: Listener[] = [];
  for (const [file, parse] of [['tcp', ipv4] as const, ['tcp6', ipv6] as const]) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue; // No IPv6 in this kernel, or the process is gone.
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== LISTEN) continue;
      const [hexAddress, hexPort] = cols[1]!.split(':');
      found.push({
        address: parse(hexAddress!),
        port: parseInt(hexPort!, 16),
        inode: Number(cols[9]),
      });
    }
  }
  return found;
}

/** The socket inodes `pid` holds open, or null when its open files cannot be read. */
export function socketInodes(pid: number): Set<number> | null {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  const inodes = new Set<number>();
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/** The listening TCP sockets held by `pids`. */
export function listenersOf(pids: number[]): ProcessListeners {
  const listeners: OwnedListener[] = [];
  const unreadable: number[] = [];
  const tables = new Map<string, Listener[]>();
  for (const pid of pids) {
    const inodes = socketInodes(pid);
    if (!inodes) {
      if (fs.existsSync(`/proc/${pid}`)) unreadable.push(pid);
      continue;
    }
    if (inodes.size === 0) continue;
    // Processes in one network namespace share one table; read it once per namespace.
    let ns: string;
    try {
      ns = fs.readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      ns = `pid:${pid}`;
    }
    let table = tables.get(ns);
    if (!table) tables.set(ns, (table = listeningSockets(pid)));
    for (const l of table) if (inodes.has(l.inode)) listeners.push({ ...l, pid });
  }
  return { listeners, unreadable };
}

/** Whether `address` can only be reached from this machine (127.0.0.0/8, ::1, mapped 127/8). */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(a) && ipaddr.process(a).range() === 'loopback';
}

// /proc prints addresses as 32-bit words in host byte order (little-endian on x86 and arm64).
function wordBytes(hex: string): number[] {
  const n = parseInt(hex, 16);
  const bytes = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  return LITTLE_ENDIAN ? bytes : bytes.reverse();
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function ipv4(hex: string): string {
  return wordBytes(hex).join('.');
}

function ipv6(hex: string): string {
  const address = ipaddr.fromByteArray(
    [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8))),
  );
  const v6 = address as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address()}` : v6.toRFC5952String();
}
