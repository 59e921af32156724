/** Why a turn started on a guess was stopped: what it was guessed on has changed since. */
export const GUESS_MISSED = new Error('what the turn was started on changed since this replica last saw it');

/**
 * For a turn started on a guess (what this replica last saw of a session or a GPT) before the guess is
 * confirmed: `gate` settles once `confirmed` says the guess was right, and rejects if it was wrong, when
 * `signal` also aborts, so the model started in vain stops at once.
 */
export function guessGate(confirmed: Promise<boolean>, clientSignal: AbortSignal) {
  const missed = new AbortController();
  const gate = confirmed.then((same) => {
    if (same) return;
    missed.abort(GUESS_MISSED);
    throw GUESS_MISSED;
  });
  gate.catch(() => {});
  return { gate, signal: AbortSignal.any([clientSignal, missed.signal]) };
}
