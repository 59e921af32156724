import net from 'node:net';

/**
 * A TCP proxy that passes everything both ways until told to hold: then what the server says back
 * waits in the proxy (requests still reach it) until `release`, in order. With a database behind it,
 * a test sees what a service does while its queries cannot be answered, without losing the
 * connections (a listening one keeps its notices, which arrive on release).
 */
export interface HoldableTcpProxy {
  /** host:port of the proxy, to put in place of the server's. */
  readonly address: string;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startHoldableTcpProxy(target: {
  host: string;
  port: number;
}): Promise<HoldableTcpProxy> {
  let holding = false;
  const held: Array<{ to: net.Socket; data: Buffer }> = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.on('data', (data) => {
      if (holding) held.push({ to: client, data });
      else client.write(data);
    });
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const { to, data } of held.splice(0)) if (!to.destroyed) to.write(data);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
