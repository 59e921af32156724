import dgram from 'node:dgram';
import { once } from 'node:events';
import ipaddr from 'ipaddr.js';

const TYPE_A = 1;
const TYPE_AAAA = 28;
const NOERROR = 0;
const NXDOMAIN = 3;

export interface DnsQuestion {
  name: string;
  type: 'A' | 'AAAA' | number;
}

/**
 * What the server does with a question: answer these records (after `delayMs`), say NXDOMAIN, or
 * stay silent.
 */
export type DnsReply = { addresses: string[]; ttl?: number; delayMs?: number } | 'nxdomain' | 'silent';

export interface DnsServer {
  /** `127.0.0.x:port`, the form ACTION_DNS_SERVERS takes. */
  address: string;
  /** Every question received, in order, silent ones included. */
  questions: DnsQuestion[];
  close(): Promise<void>;
}

/**
 * A real UDP DNS server for tests, built by hand from RFC 1035 (one question per query, answers
 * compressed to a pointer at the question name). Addresses of the other family than the question are
 * left out, so a name with only an IPv4 answer gets NOERROR without records (NODATA) for AAAA, as a
 * real server would. Anything after the question (an EDNS OPT record) is ignored.
 */
export async function startDnsServer(host: string, reply: (question: DnsQuestion) => DnsReply) {
  const questions: DnsQuestion[] = [];
  let closed = false;
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, from) => {
    const parsed = parseQuestion(query);
    if (!parsed) return;
    const type = parsed.qtype === TYPE_A ? 'A' : parsed.qtype === TYPE_AAAA ? 'AAAA' : parsed.qtype;
    const question: DnsQuestion = { name: parsed.name, type };
    questions.push(question);
    const answer = reply(question);
    if (answer === 'silent') return;
    const send = (response: Buffer) => {
      if (!closed) socket.send(response, from.port, from.address);
    };
    if (answer === 'nxdomain') {
      send(respond(query, parsed.end, NXDOMAIN, [], 0));
      return;
    }
    const response = respond(
      query,
      parsed.end,
      NOERROR,
      recordsFor(parsed.qtype, answer.addresses),
      answer.ttl ?? 60,
    );
    if (answer.delayMs) setTimeout(send, answer.delayMs, response);
    else send(response);
  });
  socket.bind(0, host);
  await once(socket, 'listening');
  const server: DnsServer = {
    address: `${host}:${socket.address().port}`,
    questions,
    close: () => {
      closed = true;
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
  return server;
}

/** How many questions of this type the server received for `name`. */
export function asked(server: DnsServer, name: string, type: 'A' | 'AAAA' = 'A'): number {
  return server.questions.filter((question) => question.name === name && question.type === type).length;
}

function parseQuestion(query: Buffer): { name: string; qtype: number; end: number } | null {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += 1 + length;
  }
  const end = offset + 5; // the zero label, QTYPE, QCLASS
  if (end > query.length) return null;
  return { name: labels.join('.').toLowerCase(), qtype: query.readUInt16BE(offset + 1), end };
}

function recordsFor(qtype: number, addresses: string[]): Buffer[] {
  return addresses
    .map((address) => ipaddr.parse(address))
    .filter((parsed) => (parsed.kind() === 'ipv4' ? TYPE_A : TYPE_AAAA) === qtype)
    .map((parsed) => Buffer.from(parsed.toByteArray()));
}

function respond(query: Buffer, questionEnd: number, rcode: number, rdatas: Buffer[], ttl: number): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // ID
  const recursionDesired = query[2]! & 0x01;
  header[2] = 0x80 | recursionDesired; // QR, opcode 0, RD echoed
  header[3] = 0x80 | rcode; // RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdatas.length, 6);
  const qtype = query.readUInt16BE(questionEnd - 4);
  const answers = rdatas.map((rdata) => {
    const record = Buffer.alloc(12 + rdata.length);
    record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    record.writeUInt16BE(qtype, 2);
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(ttl, 6);
    record.writeUInt16BE(rdata.length, 10);
    rdata.copy(record, 12);
    return record;
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}
