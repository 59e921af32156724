/**
 * An AbortSignal that fires `ms` after it was made or last restarted, with `error()` as its reason;
 * `clear` stops it.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #ms: number;
  readonly #error: () => Error;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, error: () => Error) {
    this.#ms = ms;
    this.#error = error;
    this.restart();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  restart(): void {
    clearTimeout(this.#timer);
    if (!this.expired) this.#timer = setTimeout(() => this.#controller.abort(this.#error()), this.#ms);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
