import { Email, Password, Timestamp, Uuid } from '@chatty/contracts';
import Type from 'typebox';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('user')]);

/** An account as an admin sees it. */
export const AdminUser = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  createdAt: Timestamp,
  /** When an admin disabled it; null while it may sign in. */
  disabledAt: Type.Union([Timestamp, Type.Null()]),
});

export const CreateUserBody = Type.Object({
  email: Email,
  /** A first password the admin passes on; the user changes it with POST /api/auth/password. */
  password: Password,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(Role),
});

export const UpdateUserBody = Type.Object(
  { role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()) },
  { minProperties: 1 },
);

export const ResetPasswordBody = Type.Object({ password: Password });

/** An invitation to make an account, as an admin sees it (never with its token after creation). */
export const AccountInvitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  /** Past its expiry: it can no longer be used, only revoked. */
  expired: Type.Boolean(),
  invitedBy: Type.Union([Uuid, Type.Null()]),
});

export const InviteUserBody = Type.Object({
  email: Email,
  /** The name the account starts with; the invitee may give another. */
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(Role),
  expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
});

/** The one answer that carries the invitation's token, and the link to pass on. */
export const CreatedAccountInvitation = Type.Intersect([
  AccountInvitation,
  Type.Object({ token: Type.String(), url: Type.String() }),
]);
