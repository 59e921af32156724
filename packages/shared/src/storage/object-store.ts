import type { Readable } from 'node:stream';

/**
 * Where Chatty keeps blobs (knowledge files and their extracted text). Two implementations pass the
 * same contract test (packages/shared/test/object-store.contract.ts): the file system under DATA_DIR
 * for one machine, and S3 (MinIO in compose) for several. Services see only this interface, so neither
 * backend's client leaks into their code.
 *
 * Keys are built by the callers from ids only; user-supplied names never become part of a key. Keys are
 * still checked (object-key.ts), so a bug upstream cannot write outside the store.
 */
export interface ObjectStore {
  /** Creates the bucket (S3) or its directory (files) when missing; safe for replicas at once. */
  ensureBucket(): Promise<void>;
  /** Rejects when the store cannot serve: the readiness checks call it. */
  ping(): Promise<void>;
  /**
   * Stores `body` under `key`, replacing what was there. A reader sees the old object or the whole new
   * one, never part of it. A Readable must yield exactly `size` bytes: more or fewer fails with
   * ObjectSizeMismatchError and stores nothing.
   */
  put(key: string, body: Buffer | string | Readable, size: number, contentType: string): Promise<void>;
  /** Rejects with a not-found error (isNotFound) before any byte when the key is missing. */
  getStream(key: string): Promise<Readable>;
  /** The whole object, refusing one larger than `maxBytes` (ObjectTooLargeError) before reading it. */
  getBuffer(key: string, maxBytes?: number): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: removing a missing key succeeds. */
  remove(key: string): Promise<void>;
  /** Every object under `prefix` (non-empty, ending with "/"); returns how many. Idempotent. */
  removePrefix(prefix: string): Promise<number>;
  /** The keys under `prefix` ("" or ending with "/"), in no promised order. */
  list(prefix?: string): AsyncIterable<string>;
}

export class ObjectTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`object ${key} is ${size} bytes, over the ${limit}-byte limit`);
    this.name = 'ObjectTooLargeError';
  }
}

/** Carries S3's code, so `isNotFound` answers the same for both stores. */
export class ObjectNotFoundError extends Error {
  readonly code = 'NoSuchKey';
  constructor(readonly key: string) {
    super(`object ${key} does not exist`);
    this.name = 'ObjectNotFoundError';
  }
}

/** A streamed put whose body did not have the size the caller declared: a truncated or padded upload. */
export class ObjectSizeMismatchError extends Error {
  readonly code = 'SizeMismatch';
  constructor(
    readonly key: string,
    readonly declared: number,
    readonly received: number,
  ) {
    super(
      received > declared
        ? `object ${key}: the body is longer than the declared ${declared} bytes; nothing was stored`
        : `object ${key}: the body ended after ${received} of the declared ${declared} bytes; nothing was stored`,
    );
    this.name = 'ObjectSizeMismatchError';
  }
}

export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket';
}
