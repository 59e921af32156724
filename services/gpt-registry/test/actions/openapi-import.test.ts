import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

let stack: ActionStack;
let owner: Awaited<ReturnType<typeof signUp>>;
let gptId: string;

beforeAll(async () => {
  stack = await startActionStack();
  owner = await signUp(stack.registry.app);
  gptId = (await createGpt(stack.registry.app, owner.auth)).id;
});
afterAll(() => stack.close());

const petstore = (server: string, forbidden: string) => `
openapi: 3.0.3
info: { title: Pets, version: "1" }
servers:
  - url: "{scheme}://${server}/v1"
    variables: { scheme: { default: http } }
paths:
  /pets/{petId}:
    parameters:
      - $ref: '#/components/parameters/PetId'
    get:
      operationId: getPet
      summary: One pet by id
      parameters:
        - { name: verbose, in: query, schema: { type: boolean } }
        - { name: X-Request-Tag, in: header, schema: { type: string } }
        - { name: X-Api-Key, in: header, required: true, schema: { type: string } }
    delete:
      summary: Remove a pet
      security: [{ bearer: [] }]
    patch:
      operationId: patchPet
  /pets:
    post:
      description: Adds a pet
      parameters:
        - { name: dry-run, in: query, schema: { type: boolean } }
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewPet' }
  /elsewhere:
    $ref: '${forbidden}/path-item.json'
  /external:
    get:
      operationId: external
      responses:
        "200":
          content:
            application/json:
              schema: { $ref: '${forbidden}/schema.json' }
security: [{ apiKey: [] }, { bearer: [] }]
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: X-Pets-Key }
    bearer: { type: http, scheme: bearer }
  parameters:
    PetId: { name: petId, in: path, required: true, description: The pet's id, schema: { type: integer } }
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: { type: string, description: The pet's name }
        age: { type: integer }
`;

const importDoc = (openapi: unknown) =>
  stack.registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/actions/import`,
    headers: owner.auth,
    payload: { openapi },
  });

describe('POST /api/gpts/:id/actions/import', () => {
  it('turns each operation into an action, with arguments from parameters and the JSON body', async () => {
    const host = new URL(stack.target.url).host;
    const response = await importDoc(petstore(host, stack.forbidden.url));
    expect(response.statusCode, response.body).toBe(201);
    const { items, skipped, secretsToSet } = response.json();
    expect(skipped).toEqual([
      { method: 'PATCH', path: '/pets/{petId}', reason: expect.stringMatching(/PATCH/) },
      { method: '*', path: '/elsewhere', reason: expect.stringMatching(/external \$ref .*never fetched/) },
    ]);
    // The secrets the document asks for, to be entered on each action: its secret header parameters
    // and its security requirement (the operation's own, else the document's first alternative).
    const idOf = (name: string) => items.find((a: { name: string }) => a.name === name).id;
    expect(secretsToSet).toEqual(
      expect.arrayContaining([
        { actionId: idOf('getPet'), action: 'getPet', header: 'X-Api-Key' },
        { actionId: idOf('getPet'), action: 'getPet', header: 'X-Pets-Key' },
        { actionId: idOf('DELETE /pets/{petId}'), action: 'DELETE /pets/{petId}', header: 'Authorization' },
        { actionId: idOf('POST /pets'), action: 'POST /pets', header: 'X-Pets-Key' },
        { actionId: idOf('external'), action: 'external', header: 'X-Pets-Key' },
      ]),
    );
    expect(secretsToSet).toHaveLength(5);
    const byName = Object.fromEntries(items.map((a: { name: string }) => [a.name, a]));
    // The operationId or the method and path name it; the tool name the model calls is derived.
    expect(items.map((a: { name: string; toolName: string }) => [a.name, a.toolName]).sort()).toEqual([
      ['DELETE /pets/{petId}', 'delete_pets_pet_id'],
      ['POST /pets', 'post_pets'],
      ['external', 'external'],
      ['getPet', 'get_pet'],
    ]);

    expect(byName.getPet).toMatchObject({
      method: 'GET',
      url: `http://${host}/v1/pets/{{petId}}`,
      description: 'One pet by id',
      parameters: { verbose: '{{verbose}}' },
      headers: { 'X-Request-Tag': '{{X_Request_Tag}}' },
      arguments: [
        { name: 'petId', type: 'integer', description: "The pet's id", required: true },
        { name: 'verbose', type: 'boolean', description: '', required: false },
        { name: 'X_Request_Tag', type: 'string', description: '', required: false },
      ],
    });
    expect(byName['POST /pets']).toMatchObject({
      method: 'POST',
      url: `http://${host}/v1/pets?dry-run={{dry_run}}`,
      description: 'Adds a pet',
      parameters: { name: '{{name}}', age: '{{age}}' },
    });
    expect(byName['POST /pets'].arguments).toContainEqual({
      name: 'name',
      type: 'string',
      description: "The pet's name",
      required: true,
    });
    // External references are never fetched by the registry.
    expect(stack.forbidden.received).toEqual([]);
  });

  it('an imported action executes', async () => {
    const list = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    const getPet = list.json().items.find((a: { name: string }) => a.name === 'getPet');
    const response = await stack.registry.app.inject({
      method: 'POST',
      url: `/api/gpts/actions/${getPet.id}/execute`,
      headers: owner.auth,
      payload: { arguments: { petId: 7, verbose: true } },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(stack.target.received.at(-1)!.url).toBe('/v1/pets/7?verbose=true');
  });

  it('imports JSON too, and tool names that are taken get a suffix', async () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 'x', version: '1' },
      servers: [{ url: 'https://api.example.com' }],
      paths: {
        '/pets/{petId}': { get: { operationId: 'getPet', parameters: [{ name: 'petId', in: 'path' }] } },
      },
    };
    const response = await importDoc(JSON.stringify(doc));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().items[0]).toMatchObject({ name: 'getPet', toolName: 'get_pet_2' });
  });

  it.each([
    ['text that is not a document', '{ not: [valid'],
    ['a Swagger 2 document', JSON.stringify({ swagger: '2.0', paths: {} })],
    ['a dangling $ref', JSON.stringify({ openapi: '3.0.0', paths: { '/a': { $ref: '#/nope' } } })],
    ['a document without paths', JSON.stringify({ openapi: '3.0.0', info: { title: 'x', version: '1' } })],
  ])('refuses %s with 400 and stores nothing', async (_label, text) => {
    const before = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    const response = await importDoc(text);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_OPENAPI');
    const after = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    expect(after.json()).toEqual(before.json());
  });
});
