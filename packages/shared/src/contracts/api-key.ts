import Type from 'typebox';
import { Timestamp, Uuid } from './common.js';

export const ApiKeySummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** The first characters of the key, enough to recognise it. */
  prefix: Type.String(),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreatedApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** Shown once, at creation; only its hash is stored. */
  key: Type.String(),
  createdAt: Timestamp,
});

export const CreateApiKeyBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });
