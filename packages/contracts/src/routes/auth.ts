import { AuditedRun, RunAuditQuery } from '../action.js';
import { ApiKeySummary, CreateApiKeyBody, CreatedApiKey } from '../api-key.js';
import { errorResponses, IdParams, ItemList, ItemPage, NoContent } from '../common.js';
import { route } from '../route.js';
import {
  AccountInvitation,
  AccountInvitationPreview,
  AdminUser,
  AdminUserListQuery,
  AuthResponse,
  ChangePasswordBody,
  CreatedAccountInvitation,
  CreateUserBody,
  EndedSessions,
  InvitationCheckBody,
  InviteUserBody,
  JoinBody,
  LoginBody,
  ResetPasswordBody,
  SessionSummary,
  SignupBody,
  UpdateUserBody,
  User,
} from '../user.js';

/** Accounts and sign-in (gpt-registry). */
export const AUTH_ROUTES = {
  signup: route('POST', '/api/auth/signup', {
    body: SignupBody,
    response: { 201: AuthResponse, ...errorResponses(400, 403, 409, 429) },
  }),
  login: route('POST', '/api/auth/login', {
    body: LoginBody,
    response: { 200: AuthResponse, ...errorResponses(400, 401, 403, 429) },
  }),
  me: route('GET', '/api/auth/me', { response: { 200: User, ...errorResponses(401) } }),
  logout: route('POST', '/api/auth/logout', { response: { 204: NoContent, ...errorResponses(401, 403) } }),
  sessions: route('GET', '/api/auth/sessions', {
    response: { 200: ItemList(SessionSummary), ...errorResponses(401) },
  }),
  endSession: route('DELETE', '/api/auth/sessions/:id', {
    params: IdParams,
    response: { 204: NoContent, ...errorResponses(401, 403, 404) },
  }),
  changePassword: route('POST', '/api/auth/password', {
    body: ChangePasswordBody,
    response: { 200: EndedSessions, ...errorResponses(400, 401, 403) },
  }),
  /** What an account invitation offers, for the person holding its link (signed out). */
  checkInvitation: route('POST', '/api/auth/invitations/check', {
    body: InvitationCheckBody,
    response: { 200: AccountInvitationPreview, ...errorResponses(400, 404, 409, 429) },
  }),
  /** Makes the invited account with a password of the person's own, and signs in. */
  join: route('POST', '/api/auth/invitations/accept', {
    body: JoinBody,
    response: { 201: AuthResponse, ...errorResponses(400, 404, 409, 429) },
  }),
};

/** User management by admins (gpt-registry). */
export const ADMIN_ROUTES = {
  listUsers: route('GET', '/api/admin/users', {
    querystring: AdminUserListQuery,
    response: { 200: ItemPage(AdminUser), ...errorResponses(400, 401, 403) },
  }),
  createUser: route('POST', '/api/admin/users', {
    body: CreateUserBody,
    response: { 201: AdminUser, ...errorResponses(400, 401, 403, 409) },
  }),
  updateUser: route('PATCH', '/api/admin/users/:id', {
    params: IdParams,
    body: UpdateUserBody,
    response: { 200: AdminUser, ...errorResponses(400, 401, 403, 404, 409) },
  }),
  resetPassword: route('POST', '/api/admin/users/:id/password', {
    params: IdParams,
    body: ResetPasswordBody,
    response: { 200: EndedSessions, ...errorResponses(400, 401, 403, 404) },
  }),
  endSessions: route('DELETE', '/api/admin/users/:id/sessions', {
    params: IdParams,
    response: { 200: EndedSessions, ...errorResponses(401, 403, 404) },
  }),
  invite: route('POST', '/api/admin/invitations', {
    body: InviteUserBody,
    response: { 201: CreatedAccountInvitation, ...errorResponses(400, 401, 403, 409) },
  }),
  invitations: route('GET', '/api/admin/invitations', {
    response: { 200: ItemList(AccountInvitation), ...errorResponses(401, 403) },
  }),
  revokeInvitation: route('DELETE', '/api/admin/invitations/:id', {
    params: IdParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
  }),
  actionRuns: route('GET', '/api/admin/action-runs', {
    querystring: RunAuditQuery,
    response: { 200: ItemPage(AuditedRun), ...errorResponses(400, 401, 403) },
  }),
};

/** API keys (gpt-registry). */
export const KEY_ROUTES = {
  create: route('POST', '/api/keys', {
    body: CreateApiKeyBody,
    response: { 201: CreatedApiKey, ...errorResponses(400, 401, 403, 409) },
  }),
  list: route('GET', '/api/keys', { response: { 200: ItemList(ApiKeySummary), ...errorResponses(401) } }),
  revoke: route('DELETE', '/api/keys/:id', {
    params: IdParams,
    response: { 204: NoContent, ...errorResponses(401, 403, 404) },
  }),
};
