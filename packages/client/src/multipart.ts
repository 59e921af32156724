/** A file to upload: its bytes and the name the server sees. */
export interface Upload {
  name: string;
  data: Blob | Uint8Array;
  type?: string;
}

/** Called as an upload's bytes are handed to the connection. */
export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

const CHUNK_BYTES = 64 * 1024;

/**
 * A multipart/form-data body with one file field, streamed in 64 KiB chunks so the caller can follow
 * the upload: fetch reports no upload progress of its own. Quotes and line breaks in the name are
 * escaped as the HTML form encoding does.
 */
export function multipartBody(
  field: string,
  name: string,
  type: string,
  data: Uint8Array,
  onProgress: UploadProgress,
): { body: ReadableStream<Uint8Array>; contentType: string; length: number } {
  const boundary = `----chatty-${crypto.randomUUID()}`;
  const escaped = name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${escaped}"\r\n` +
      `Content-Type: ${type}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const length = head.length + data.length + tail.length;
  let offset = 0;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
      sent += head.length;
    },
    pull(controller) {
      if (offset >= data.length) {
        controller.enqueue(tail);
        onProgress(length, length);
        controller.close();
        return;
      }
      const chunk = data.subarray(offset, offset + CHUNK_BYTES);
      offset += chunk.length;
      sent += chunk.length;
      controller.enqueue(chunk);
      onProgress(sent, length);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length };
}
