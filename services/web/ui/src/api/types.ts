// The UI's types are the API's contracts (@chatty/contracts), so a changed field breaks the build, not
// the page. Only the names the UI uses for them are given here.
import type {
  ApiKeySummary,
  ChatStreamEventData,
  CreatedApiKey,
  GptVersion,
  GptVersionList,
  ModelItem,
  SessionSummary,
} from '@chatty/contracts';

export type {
  AccountInvitation,
  AccountInvitationPreview,
  Action,
  ActionArgument,
  ActionCall,
  ActionResult,
  ActionRun,
  AdminUser,
  CatalogueItem,
  Citation,
  CreatedInvitation,
  FileCitation,
  FileStatus,
  Gpt,
  ImportedActions,
  Invitation,
  KnowledgeFile,
  Member,
  Message,
  Publication,
  PublicationList,
  PublishTarget,
  Review,
  Session,
  SessionPage,
  SessionWithMessages,
  Share,
  Template,
  TokenUsage,
  User,
  Workspace,
} from '@chatty/contracts';

export type ApiKey = ApiKeySummary;
export type NewApiKey = CreatedApiKey;
export type Version = GptVersion;
/** A page of GET /api/gpts/:id/versions: summaries; a whole snapshot is GET .../versions/:version. */
export type VersionPage = GptVersionList;
/** A model as GET /api/models lists it: who serves it, and on which workers now. */
export type Model = ModelItem;
/** A place the account is signed in (GET /api/auth/sessions). */
export type SignedInSession = SessionSummary;
/** An action as it runs during a streamed answer (the `action` event). */
export type ActionEvent = ChatStreamEventData<'action'>;
/** A web search while it runs (the `search` event) and afterwards (a message's `searches`). */
export type WebSearch = ChatStreamEventData<'search'>;
/** An action call that changes something, waiting for the user's word (the `confirm` event). */
export type PendingCall = ChatStreamEventData<'confirm'>;
