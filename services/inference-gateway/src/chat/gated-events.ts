import type { TurnEvents } from './run-turn.js';

/**
 * A turn's events held back until `gate` resolves, then sent in order, and from then on as they come;
 * if the gate rejects, the held events are dropped and later ones are never sent. A turn started on a
 * guess (a session's history as this replica last left it) streams nothing before the database has
 * confirmed the guess.
 */
export function gatedEvents(events: TurnEvents, gate: Promise<void> | undefined): TurnEvents {
  if (!gate) return events;
  let state: 'held' | 'open' | 'shut' = 'held';
  const held: Array<() => void> = [];
  gate.then(
    () => {
      state = 'open';
      for (const send of held.splice(0)) send();
    },
    () => {
      state = 'shut';
      held.length = 0;
    },
  );
  const later = (send: () => void) => {
    if (state === 'open') send();
    else if (state === 'held') held.push(send);
  };
  return {
    delta: (text) => later(() => events.delta(text)),
    action: (event) => later(() => events.action(event)),
    search: (event) => later(() => events.search?.(event)),
  };
}
