import { describe, expect, it } from 'vitest';
import { readEvents } from '../src/sse.js';

/** A body delivered in the given pieces, as a network would cut it. */
function bodyOf(...pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function eventsOf(...pieces: string[]) {
  const events = [];
  for await (const event of readEvents(bodyOf(...pieces))) events.push(event);
  return events;
}

describe('readEvents', () => {
  it('frames events however the bytes are cut, skipping comments', async () => {
    const text =
      ': keep-alive\n\nevent: delta\ndata: {"content":"Hel"}\n\nevent: done\ndata: {"message":{}}\n\n';
    const whole = await eventsOf(text);
    expect(whole).toEqual([
      { event: 'delta', data: '{"content":"Hel"}' },
      { event: 'done', data: '{"message":{}}' },
    ]);
    // One byte at a time, and with CRLF line ends, the events are the same.
    expect(await eventsOf(...text.split(''))).toEqual(whole);
    expect(await eventsOf(...text.replaceAll('\n', '\r\n').split(''))).toEqual(whole);
  });

  it('joins multi-line data and drops an event the stream cut short', async () => {
    expect(await eventsOf('data: a\ndata: b\n\ndata:c\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
