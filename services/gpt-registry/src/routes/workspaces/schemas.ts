import { Timestamp, Uuid } from '@chatty/contracts';
import Type from 'typebox';

const Role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);

export const Workspace = Type.Object({
  id: Uuid,
  name: Type.String(),
  personal: Type.Boolean({ description: 'The account’s own workspace (one each; no one can be invited)' }),
  role: Role,
  memberCount: Type.Integer(),
  createdAt: Timestamp,
});

export const Member = Type.Object({
  userId: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  joinedAt: Timestamp,
});

export const Invitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
  expiresAt: Timestamp,
  createdAt: Timestamp,
  expired: Type.Boolean(),
});

export const CreatedInvitation = Type.Intersect([
  Invitation,
  Type.Object({
    token: Type.String({ description: 'Shown only in this answer' }),
    url: Type.String({ description: 'The link to send to the invited person: the UI page accepting it' }),
  }),
]);

export const WorkspaceParams = Type.Object({ id: Uuid });
export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const InviteBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')])),
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30, default: 72 })),
  },
  { additionalProperties: false },
);
