import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
  createdAt: Timestamp,
});
export type User = Static<typeof User>;

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 8, maxLength: 256 });

export const SignupBody = Type.Object({
  email: Email,
  password: Password,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export type SignupBody = Static<typeof SignupBody>;

export const LoginBody = Type.Object({
  email: Type.String({ maxLength: 254 }),
  password: Type.String({ maxLength: 256 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const AuthResponse = Type.Object({ user: User, token: Type.String() });

export const UserRole = Type.Union([Type.Literal('admin'), Type.Literal('user')]);
export type UserRole = Static<typeof UserRole>;

/** A place the account is signed in (GET /api/auth/sessions). */
export const SessionSummary = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  /** The browser or client that signed in, as it said (shortened). */
  userAgent: Type.Union([Type.String(), Type.Null()]),
  /** The session this request was made with. */
  current: Type.Boolean(),
});
export type SessionSummary = Static<typeof SessionSummary>;

export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ maxLength: 256 }),
  newPassword: Password,
});

/** How many sessions a password change or reset ended. */
export const EndedSessions = Type.Object({ endedSessions: Type.Integer() });

/** An account as an admin sees it. */
export const AdminUser = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: UserRole,
  createdAt: Timestamp,
  /** When an admin disabled it; null while it may sign in. */
  disabledAt: Type.Union([Timestamp, Type.Null()]),
});
export type AdminUser = Static<typeof AdminUser>;

/** The accounts list: newest first, a page at a time, optionally those whose email or name holds `q`. */
export const AdminUserListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 100 }),
  cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page, as it was given' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the email or the name, any case' })),
});

export const CreateUserBody = Type.Object({
  email: Email,
  /** A first password the admin passes on; the user changes it with POST /api/auth/password. */
  password: Password,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(UserRole),
});

export const UpdateUserBody = Type.Object(
  { role: Type.Optional(UserRole), disabled: Type.Optional(Type.Boolean()) },
  { minProperties: 1 },
);

export const ResetPasswordBody = Type.Object({ password: Password });

/** An invitation to make an account, as an admin sees it (never with its token after creation). */
export const AccountInvitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: UserRole,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  /** Past its expiry: it can no longer be used, only revoked. */
  expired: Type.Boolean(),
  invitedBy: Type.Union([Uuid, Type.Null()]),
});
export type AccountInvitation = Static<typeof AccountInvitation>;

export const InviteUserBody = Type.Object({
  email: Email,
  /** The name the account starts with; the invitee may give another. */
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(UserRole),
  expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
});

/** The one answer that carries the invitation's token, and the link to pass on. */
export const CreatedAccountInvitation = Type.Intersect([
  AccountInvitation,
  Type.Object({ token: Type.String(), url: Type.String() }),
]);
export type CreatedAccountInvitation = Static<typeof CreatedAccountInvitation>;

/** The link's token travels in bodies, never in a URL: URLs are logged, by us and by any proxy. */
const InvitationToken = Type.String({ minLength: 10, maxLength: 100 });
export const InvitationCheckBody = Type.Object({ token: InvitationToken });

export const JoinBody = Type.Object({
  token: InvitationToken,
  password: Password,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

/** What an account invitation offers the person holding its link. */
export const AccountInvitationPreview = Type.Object({
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
  expiresAt: Type.String(),
});
export type AccountInvitationPreview = Static<typeof AccountInvitationPreview>;
