import { connect, type Socket } from 'node:net';

/**
 * The ways a client can hold a server's socket while costing itself almost nothing: connect and say
 * nothing, send the headers a byte at a time, or announce a large body (JSON or an upload) and then
 * trickle it. Run as a child process (`node --import tsx slow-attack.ts`, driven over IPC by
 * slow-sockets.ts), so the attackers' own work does not slow the servers under test: attackers are
 * other machines.
 */
export type SlowKind = 'idle' | 'headers' | 'json-body' | 'upload-body';

export interface HeldSocket {
  kind: SlowKind;
  /** 0 for the sockets opened first, then 1, 2… for the ones reopened after the server closed one. */
  generation: number;
  openedAt: number;
  closedAt?: number;
  closedByServer: boolean;
  /** What the server wrote before closing (a 408, usually). */
  received: string;
}

export interface SlowAttackOptions {
  port: number;
  counts: Record<SlowKind, number>;
  /** Source addresses the sockets are spread over (127.0.0.0/8 all reaches loopback on Linux). */
  sources: string[];
  /** For `upload-body`: a GPT of the attacker's own, and their token. */
  upload: { gptId: string; token: string };
  /** Between two trickled bytes. */
  stepMs: number;
}

/** Messages from the parent: go, stop reopening, report and quit. */
export type AttackCommand = { start: SlowAttackOptions } | { stop: true } | { report: true };
/** Messages to the parent: how many sockets are open now; at the end, every socket's story. */
export type AttackReport = { held: number } | { sockets: HeldSocket[] };

/** Opens every socket, and opens a new one of the same kind whenever the server closes one. */
function startSlowAttack(options: SlowAttackOptions) {
  const sockets: HeldSocket[] = [];
  const open = new Set<Socket>();
  let reopening = true;
  const start = (kind: SlowKind, source: string, generation: number) => {
    const held: HeldSocket = { kind, generation, openedAt: Date.now(), closedByServer: false, received: '' };
    sockets.push(held);
    const socket = connect({ port: options.port, host: '127.0.0.1', localAddress: source });
    open.add(socket);
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      const { head, body } = script(kind, options.upload);
      if (kind === 'headers') {
        let sent = 0;
        timer = setInterval(() => socket.write(head[sent++ % head.length]!), options.stepMs);
        return;
      }
      if (kind === 'idle') return;
      socket.write(head);
      timer = setInterval(() => socket.write(body), options.stepMs);
    });
    socket.on('data', (chunk) => (held.received += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      held.closedAt = Date.now();
      // Sockets the attack itself destroys were taken out of `open` first.
      held.closedByServer = open.delete(socket);
      if (reopening) start(kind, source, generation + 1);
    });
  };
  let next = 0;
  for (const [kind, count] of Object.entries(options.counts) as Array<[SlowKind, number]>) {
    for (let i = 0; i < count; i++) start(kind, options.sources[next++ % options.sources.length]!, 0);
  }
  return {
    sockets,
    held: () => open.size,
    stop: () => {
      reopening = false;
    },
    destroy: () => {
      reopening = false;
      for (const socket of open) {
        open.delete(socket);
        socket.destroy();
      }
    },
  };
}

function script(kind: SlowKind, upload: SlowAttackOptions['upload']): { head: string; body: string } {
  if (kind === 'upload-body') {
    return {
      head:
        `POST /api/gpts/${upload.gptId}/files HTTP/1.1\r\nHost: chatty\r\n` +
        `Authorization: Bearer ${upload.token}\r\n` +
        'Content-Type: multipart/form-data; boundary=slow\r\nContent-Length: 10000000\r\n\r\n' +
        '--slow\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n' +
        'Content-Type: text/plain\r\n\r\n',
      body: 'x',
    };
  }
  return {
    head:
      'POST /api/auth/login HTTP/1.1\r\nHost: chatty\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000000\r\n\r\n',
    body: ' ',
  };
}

if (process.send) {
  const send = (report: AttackReport) => process.send!(report);
  let attack: ReturnType<typeof startSlowAttack> | undefined;
  const ticker = setInterval(() => attack && send({ held: attack.held() }), 50);
  process.on('message', (command: AttackCommand) => {
    if ('start' in command) attack = startSlowAttack(command.start);
    else if ('stop' in command) attack?.stop();
    else {
      clearInterval(ticker);
      attack?.destroy();
      // Disconnecting before the report is out would lose it.
      process.send!({ sockets: attack?.sockets ?? [] } satisfies AttackReport, () => process.disconnect());
    }
  });
  // The parent went away without a report: nothing to attack for.
  process.on('disconnect', () => process.exit(0));
}
