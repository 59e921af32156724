import { AppError, badRequest } from '@chatty/shared';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

/** The multipart field every upload route takes its file from. */
const FILE_FIELD = 'file';

export interface ReceivedFile<T> {
  part: MultipartFile;
  /** What `read` made of the file: its bytes, or where it was spooled. */
  content: T;
}

export interface ReceiveOptions<T> {
  /** The file as the messages name it: "the file", "the image". */
  what: string;
  /** Reads the file whole; the parser reaches the parts after it only once it is read. */
  read: (part: MultipartFile) => Promise<T>;
  /** Undoes `read` (removes a spooled copy) when the rest of the body turns the request down. */
  discard?: (content: T) => Promise<void>;
  /** The route's own 413 for a file past its size limit. */
  tooLarge: () => AppError;
}

/**
 * The one file of a multipart upload, with the whole body parsed before the route stores anything:
 * a file under another field name or a second file would otherwise be taken or dropped without a
 * word. The upload routes register the parser with `limits.files: 1`: it stops at a second file and
 * ends the parts with FST_FILES_LIMIT. Fields that are not files are passed over: no upload reads any.
 */
export async function receiveOneFile<T>(
  request: FastifyRequest,
  { what, read, discard, tooLarge }: ReceiveOptions<T>,
): Promise<ReceivedFile<T>> {
  if (!request.isMultipart()) throw fileRequired(what);
  let received: ReceivedFile<T> | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== FILE_FIELD) {
        throw badRequest(
          'UNEXPECTED_FILE_FIELD',
          `Send ${what} in the multipart field "${FILE_FIELD}", not in ${JSON.stringify(part.fieldname)}`,
        );
      }
      if (received) throw tooManyFiles();
      // The parser gave up on the body (a limit reached) and closed the stream: reading it would wait
      // forever. Its reason comes as the next part.
      if (part.file.destroyed) continue;
      received = { part, content: await read(part) };
    }
    if (!received) throw fileRequired(what);
    // Cut at the size limit; the parser usually says so itself as the parts end (FST_REQ_FILE_TOO_LARGE).
    if (received.part.file.truncated) throw tooLarge();
    return received;
  } catch (error) {
    if (received) await discard?.(received.content).catch(() => {});
    throw refusalOf(error, tooLarge);
  }
}

function fileRequired(what: string) {
  return new AppError(400, 'FILE_REQUIRED', `Send ${what} in the multipart field "${FILE_FIELD}"`);
}

function tooManyFiles() {
  return badRequest('TOO_MANY_FILES', `Send one file per request, in the multipart field "${FILE_FIELD}"`);
}

/**
 * What busboy says of a body that is not the multipart its type claims: no boundary, a boundary too
 * long to search for, the body ending inside a part. Its errors have no code, only these words.
 */
const MALFORMED_BODY =
  /^(Multipart: Boundary not found|The needle cannot|Unexpected end of multipart data|\w+ terminated early)/;

/** The parser's own errors as ours: its limits (413 with its wording), and a malformed body (400). */
function refusalOf(error: unknown, tooLarge: () => AppError): unknown {
  if (error instanceof Error && !(error instanceof AppError) && MALFORMED_BODY.test(error.message)) {
    return badRequest('BAD_MULTIPART', `The multipart body cannot be read: ${error.message}`);
  }
  switch ((error as { code?: unknown } | null)?.code) {
    case 'FST_FILES_LIMIT':
      return tooManyFiles();
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge();
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return badRequest(
        'TOO_MANY_FIELDS',
        `Too many multipart fields; send only the file, in the field "${FILE_FIELD}"`,
      );
    default:
      return error;
  }
}
