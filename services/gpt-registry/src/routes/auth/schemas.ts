import { Password, Timestamp, Uuid } from '@chatty/contracts';
import Type from 'typebox';

export const SessionSummary = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  /** The browser or client that signed in, as it said (shortened). */
  userAgent: Type.Union([Type.String(), Type.Null()]),
  /** The session this request was made with. */
  current: Type.Boolean(),
});

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ maxLength: 256 }),
  newPassword: Password,
});
