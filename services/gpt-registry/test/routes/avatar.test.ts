import { MAX_AVATAR_BYTES } from '@chatty/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { GIF_1X1, type MultipartPart, multipartBody, multipartFile, PNG_1X1 } from '../images.js';

let registry: RegistryHarness;
let owner: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  registry = await startRegistry();
  owner = await signUp(registry.app);
});
afterAll(() => registry.close());

async function upload(gptId: string, filename: string, type: string, bytes: Buffer) {
  const { payload, headers } = multipartFile(filename, type, bytes);
  return registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/avatar`,
    headers: { ...owner.auth, ...headers },
    payload,
  });
}

/** The 1×1 PNG with its header saying `width` × `height` (the pixels it holds stay one). */
function pngDeclaring(width: number, height: number): Buffer {
  const png = Buffer.from(PNG_1X1);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

describe('POST /api/gpts/:id/avatar', () => {
  it('generates an SVG from the name without a body, as a new version only when it changes', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/avatar`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().avatar).toBe(gpt.avatar);
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json().version).toBe(1);
  });

  it.each([
    ['PNG', 'a.png', PNG_1X1, 'image/png'],
    ['GIF', 'a.gif', GIF_1X1, 'image/gif'],
  ])('stores an uploaded %s as a data URL and bumps the version', async (_label, name, bytes, mime) => {
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await upload(gpt.id, name, 'application/octet-stream', bytes);
    expect(response.statusCode).toBe(200);
    expect(response.json().avatar).toBe(`data:${mime};base64,${bytes.toString('base64')}`);
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json()).toMatchObject({ avatar: response.json().avatar, version: 2 });
  });

  it('decides the type by content: an HTML file named .png is 415', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await upload(
      gpt.id,
      'evil.png',
      'image/png',
      Buffer.from('<html><script>alert(1)</script>'),
    );
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('UNSUPPORTED_TYPE');
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json().avatar).toBe(gpt.avatar);
  });

  it('refuses an image whose header declares more than 4096 pixels a side, by upload and in a GPT body alike', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const huge = pngDeclaring(100_000, 100_000);
    const uploaded = await upload(gpt.id, 'bomb.png', 'image/png', huge);
    expect(uploaded.statusCode, uploaded.body).toBe(400);
    expect(uploaded.json().error).toMatchObject({
      code: 'AVATAR_TOO_MANY_PIXELS',
      message: expect.stringContaining('100000 × 100000'),
    });
    const inBody = await registry.app.inject({
      method: 'POST',
      url: '/api/gpts',
      headers: owner.auth,
      payload: { name: 'Bomb', modelId: 'phi3', avatar: `data:image/png;base64,${huge.toString('base64')}` },
    });
    expect(inBody.statusCode).toBe(400);
    expect(inBody.json().error.code).toBe('AVATAR_TOO_MANY_PIXELS');
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json()).toMatchObject({ avatar: gpt.avatar, version: 1 });

    expect((await upload(gpt.id, 'wide.png', 'image/png', pngDeclaring(4096, 16))).statusCode).toBe(200);
  });

  it('answers 413 AVATAR_TOO_LARGE past 1 MiB and keeps the old avatar', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const big = Buffer.concat([PNG_1X1, Buffer.alloc(MAX_AVATAR_BYTES)]);
    const response = await upload(gpt.id, 'big.png', 'image/png', big);
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('AVATAR_TOO_LARGE');
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json().avatar).toBe(gpt.avatar);
  });

  it.each<[string, MultipartPart[], string, RegExp]>([
    [
      'an image under another field name',
      [{ field: 'avatar', filename: 'a.png', bytes: PNG_1X1 }],
      'UNEXPECTED_FILE_FIELD',
      /field "file"/,
    ],
    [
      'two images',
      [
        { field: 'file', filename: 'a.png', bytes: PNG_1X1 },
        { field: 'file', filename: 'b.gif', bytes: GIF_1X1 },
      ],
      'TOO_MANY_FILES',
      /one file per request/,
    ],
  ])('answers 400 for %s and keeps the old avatar and version', async (_label, parts, code, words) => {
    const gpt = await createGpt(registry.app, owner.auth);
    const { payload, headers } = multipartBody(parts);
    const response = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/avatar`,
      headers: { ...owner.auth, ...headers },
      payload,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({ code, message: expect.stringMatching(words) });
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json()).toMatchObject({ avatar: gpt.avatar, version: 1 });
  });

  it('answers 400 FILE_REQUIRED for a multipart body without a file', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const boundary = 'xyz';
    const response = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/avatar`,
      headers: { ...owner.auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('FILE_REQUIRED');
  });

  it('answers 400 BAD_MULTIPART for a multipart type without a boundary, the avatar unchanged', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/avatar`,
      headers: { ...owner.auth, 'content-type': 'multipart/form-data' },
      payload: 'abc',
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('BAD_MULTIPART');
    const after = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(after.json()).toMatchObject({ avatar: gpt.avatar, version: 1 });
  });
});
