/** A real 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A real 1×1 GIF. */
export const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** A multipart/form-data body with one file field. */
export function multipartFile(filename: string, contentType: string, bytes: Buffer, field = 'file') {
  return multipartBody([{ field, filename, contentType, bytes }]);
}

export interface MultipartPart {
  field: string;
  /** Given for a file; a part without one is a plain field. */
  filename?: string;
  contentType?: string;
  bytes: Buffer | string;
}

/** A multipart/form-data body of these parts, in this order. */
export function multipartBody(parts: MultipartPart[]) {
  const boundary = `----chatty${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    ...parts.flatMap(({ field, filename, contentType, bytes }) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"` +
          (filename === undefined ? '' : `; filename="${filename}"`) +
          `\r\n${contentType ? `Content-Type: ${contentType}\r\n` : ''}\r\n`,
      ),
      Buffer.from(bytes),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
