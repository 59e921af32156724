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
