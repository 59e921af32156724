import { errorResponses, IdParams, ItemList, ItemPage, NoContent } from '../common.js';
import { Gpt } from '../gpt.js';
import { route } from '../route.js';
import {
  CatalogueEntryParams,
  CatalogueItem,
  CatalogueQuery,
  CreatedInvitation,
  CreatedShare,
  CreateWorkspaceBody,
  Invitation,
  InvitationParams,
  InvitationPreview,
  InvitationTokenParams,
  InviteBody,
  Member,
  MemberParams,
  MemberRoleBody,
  MembersQuery,
  Publication,
  PublicationList,
  PublicationParams,
  PublishBody,
  Review,
  ReviewBody,
  ReviewsQuery,
  Share,
  ShareBody,
  ShareParams,
  Template,
  TemplateParams,
  Workspace,
  WorkspaceParams,
} from '../teams.js';

/** Workspaces, their members and invitations (gpt-registry). */
export const WORKSPACE_ROUTES = {
  list: route('GET', '/api/workspaces', { response: { 200: ItemList(Workspace), ...errorResponses(401) } }),
  create: route('POST', '/api/workspaces', {
    body: CreateWorkspaceBody,
    response: { 201: Workspace, ...errorResponses(400, 401, 409) },
  }),
  get: route('GET', '/api/workspaces/:id', {
    params: WorkspaceParams,
    response: { 200: Workspace, ...errorResponses(400, 401, 404) },
  }),
  delete: route('DELETE', '/api/workspaces/:id', {
    params: WorkspaceParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
  members: route('GET', '/api/workspaces/:id/members', {
    params: WorkspaceParams,
    querystring: MembersQuery,
    response: { 200: ItemPage(Member), ...errorResponses(400, 401, 404) },
  }),
  removeMember: route('DELETE', '/api/workspaces/:id/members/:userId', {
    params: MemberParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
  setMemberRole: route('PUT', '/api/workspaces/:id/members/:userId', {
    params: MemberParams,
    body: MemberRoleBody,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
  invite: route('POST', '/api/workspaces/:id/invitations', {
    params: WorkspaceParams,
    body: InviteBody,
    response: { 201: CreatedInvitation, ...errorResponses(400, 401, 403, 404, 409) },
  }),
  invitations: route('GET', '/api/workspaces/:id/invitations', {
    params: WorkspaceParams,
    response: { 200: ItemList(Invitation), ...errorResponses(400, 401, 403, 404) },
  }),
  revokeInvitation: route('DELETE', '/api/workspaces/:id/invitations/:invitationId', {
    params: InvitationParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
  invitation: route('GET', '/api/invitations/:token', {
    params: InvitationTokenParams,
    response: { 200: InvitationPreview, ...errorResponses(400, 401, 404) },
  }),
  accept: route('POST', '/api/invitations/:token/accept', {
    params: InvitationTokenParams,
    response: { 200: Workspace, ...errorResponses(400, 401, 403, 404, 409) },
  }),
};

/** A GPT shared with a workspace or a colleague (gpt-registry). */
export const SHARE_ROUTES = {
  list: route('GET', '/api/gpts/:id/shares', {
    params: IdParams,
    response: { 200: ItemList(Share), ...errorResponses(400, 401, 403, 404) },
  }),
  create: route('POST', '/api/gpts/:id/shares', {
    params: IdParams,
    body: ShareBody,
    response: { 201: CreatedShare, ...errorResponses(400, 401, 403, 404) },
  }),
  delete: route('DELETE', '/api/gpts/:id/shares/:shareId', {
    params: ShareParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
};

/** Workspace catalogues, reviews and built-in templates (gpt-registry). */
export const CATALOGUE_ROUTES = {
  publish: route('POST', '/api/gpts/:id/publish', {
    params: IdParams,
    body: PublishBody,
    response: { 200: Publication, ...errorResponses(400, 401, 403, 404) },
  }),
  unpublish: route('DELETE', '/api/gpts/:id/publish/:workspaceId', {
    params: PublicationParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
  publications: route('GET', '/api/gpts/:id/publications', {
    params: IdParams,
    response: { 200: PublicationList, ...errorResponses(400, 401, 403, 404) },
  }),
  list: route('GET', '/api/workspaces/:id/catalogue', {
    params: WorkspaceParams,
    querystring: CatalogueQuery,
    response: { 200: ItemPage(CatalogueItem), ...errorResponses(400, 401, 404) },
  }),
  reviews: route('GET', '/api/workspaces/:id/catalogue/:gptId/reviews', {
    params: CatalogueEntryParams,
    querystring: ReviewsQuery,
    response: { 200: ItemPage(Review), ...errorResponses(400, 401, 404) },
  }),
  review: route('PUT', '/api/workspaces/:id/catalogue/:gptId/review', {
    params: CatalogueEntryParams,
    body: ReviewBody,
    response: { 200: Review, ...errorResponses(400, 401, 403, 404) },
  }),
  templates: route('GET', '/api/templates', {
    response: { 200: ItemList(Template), ...errorResponses(401) },
  }),
  copyTemplate: route('POST', '/api/templates/:key/copy', {
    params: TemplateParams,
    response: { 201: Gpt, ...errorResponses(400, 401, 404, 409) },
  }),
};
