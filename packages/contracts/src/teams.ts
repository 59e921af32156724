import Type, { type Static } from 'typebox';
import { PageCursor, Timestamp, Uuid } from './common.js';

// Workspaces

export const WorkspaceRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('member'),
]);
export type WorkspaceRole = Static<typeof WorkspaceRole>;

export const Workspace = Type.Object({
  id: Uuid,
  name: Type.String(),
  personal: Type.Boolean({ description: 'The account’s own workspace (one each; no one can be invited)' }),
  role: WorkspaceRole,
  memberCount: Type.Integer(),
  createdAt: Timestamp,
});
export type Workspace = Static<typeof Workspace>;

export const Member = Type.Object({
  userId: Uuid,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: WorkspaceRole,
  joinedAt: Timestamp,
});
export type Member = Static<typeof Member>;

export const WorkspaceParams = Type.Object({ id: Uuid });
export const MembersQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 100 }),
  cursor: PageCursor,
});
export const MemberParams = Type.Object({ id: Uuid, userId: Uuid });
export const WorkspaceName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const CreateWorkspaceBody = Type.Object({ name: WorkspaceName }, { additionalProperties: false });
export const MemberRoleBody = Type.Object(
  { role: Type.Union([Type.Literal('admin'), Type.Literal('member')]) },
  { additionalProperties: false },
);

// Invitations

export const Invitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
  expiresAt: Timestamp,
  createdAt: Timestamp,
  expired: Type.Boolean(),
});
export type Invitation = Static<typeof Invitation>;

export const CreatedInvitation = Type.Intersect([
  Invitation,
  Type.Object({
    token: Type.String({ description: 'Shown only in this answer' }),
    url: Type.String({ description: 'The link to send to the invited person: the UI page accepting it' }),
  }),
]);
export type CreatedInvitation = Static<typeof CreatedInvitation>;

export const InviteBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')])),
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30, default: 72 })),
  },
  { additionalProperties: false },
);

export const InvitationParams = Type.Object({ id: Uuid, invitationId: Uuid });
export const InvitationTokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 100 }) });

/** What the invited person sees before accepting (`GET /api/invitations/:token`). */
export const InvitationPreview = Type.Object({
  workspaceName: Type.String(),
  email: Type.String(),
  role: Type.String(),
  expiresAt: Type.String(),
  expired: Type.Boolean(),
  accepted: Type.Boolean(),
});
export type InvitationPreview = Static<typeof InvitationPreview>;

// Sharing

export const SharePermission = Type.Union([Type.Literal('chat'), Type.Literal('edit')], {
  description: 'chat: can chat with it; edit: can also change its configuration and see its versions',
});
export type SharePermission = Static<typeof SharePermission>;

export const Share = Type.Object({
  id: Uuid,
  permission: SharePermission,
  createdAt: Timestamp,
  workspace: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  user: Type.Union([
    Type.Object({ id: Uuid, email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  /** False for a share to a workspace the GPT's owner has left: it grants nothing until they return. */
  inForce: Type.Boolean(),
});
export type Share = Static<typeof Share>;

export const ShareBody = Type.Object(
  {
    workspaceId: Type.Optional(Uuid),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    permission: SharePermission,
  },
  { additionalProperties: false },
);

export const ShareParams = Type.Object({ id: Uuid, shareId: Uuid });
export const CreatedShare = Type.Object({ id: Uuid });

// Catalogues

export const Category = Type.String({ maxLength: 50 });

export const Publication = Type.Object({
  workspaceId: Uuid,
  workspaceName: Type.String(),
  version: Type.Integer(),
  category: Type.String(),
  publishedAt: Timestamp,
});
export type Publication = Static<typeof Publication>;

/** A workspace the caller may publish the GPT to: one both they and the GPT's owner are in. */
export const PublishTarget = Type.Object({ workspaceId: Uuid, workspaceName: Type.String() });
export type PublishTarget = Static<typeof PublishTarget>;

/** `GET /api/gpts/:id/publications`: where the GPT is published, and where the caller may publish it. */
export const PublicationList = Type.Object({
  items: Type.Array(Publication),
  targets: Type.Array(PublishTarget, {
    description:
      "The team workspaces the caller may publish it to: those both they and the GPT's owner are in, by name",
  }),
});
export type PublicationList = Static<typeof PublicationList>;

export const PublishBody = Type.Object(
  {
    workspaceId: Uuid,
    category: Type.Optional(Category),
    version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);

export const PublicationParams = Type.Object({ id: Uuid, workspaceId: Uuid });

export const CatalogueItem = Type.Object({
  gptId: Uuid,
  version: Type.Integer({ description: 'The published version; the draft may be further along' }),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  modelId: Type.String(),
  avatar: Type.Union([Type.String(), Type.Null()]),
  publishedAt: Timestamp,
  publishedBy: Type.Union([Type.String(), Type.Null()]),
  yours: Type.Boolean({ description: 'The caller owns it, and so may not rate it' }),
  conversationCount: Type.Integer(),
  rating: Type.Object({
    average: Type.Union([Type.Number(), Type.Null()]),
    count: Type.Integer(),
    mine: Type.Union([Type.Integer(), Type.Null()]),
  }),
});
export type CatalogueItem = Static<typeof CatalogueItem>;

export const CatalogueQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  category: Type.Optional(Category),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: PageCursor,
});

export const Review = Type.Object({
  userId: Uuid,
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.String(),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  review: Type.String(),
  updatedAt: Timestamp,
});
export type Review = Static<typeof Review>;

export const ReviewBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    review: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const CatalogueEntryParams = Type.Object({ id: Uuid, gptId: Uuid });
export const ReviewsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: PageCursor,
});

// Templates

export const Template = Type.Object({
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  conversationStarters: Type.Array(Type.String()),
  actionCount: Type.Integer(),
});
export type Template = Static<typeof Template>;

export const TemplateParams = Type.Object({ key: Type.String({ maxLength: 50 }) });
