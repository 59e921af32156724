/**
 * A question ending with this gets a one-token answer from the bench's workers
 * (ollama-workers.server.ts): a path whose answers are read whole, to keep its connections, then
 * takes the time of its first token and little more.
 */
export const ONE_TOKEN_ANSWER = ' Answer in one word.';
