import net from 'node:net';

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/** A free port whose next `span - 1` ports are free too (zero-cache also takes ZERO_PORT + 1). */
export async function freePort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await tryListen(0);
    if (base === null || base + span > 65535) continue;
    let ok = true;
    for (let i = 1; i < span && ok; i++) ok = (await tryListen(base + i)) !== null;
    if (ok) return base;
  }
  throw new Error('no free port range found');
}
