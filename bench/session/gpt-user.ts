/*
 * What a user does before the measured messages, through the public origin as the web UI does it:
 * sign up, create a GPT with instructions, upload one knowledge file (ingested by file-ingest's
 * worker) and add one action, open sessions and talk a few turns in each.
 */
const KNOWLEDGE = `Harbour Cafe staff handbook

Opening hours. The cafe opens at 7:30 on weekdays and at 9:00 on weekends. The espresso machine is
switched on twenty minutes before opening so that the boiler is at temperature.

Deliveries. Milk arrives on Monday, Wednesday and Friday before 8:00. Beans come from the roastery on
Tuesday; check the roast date on every bag and rotate the oldest stock to the front.

Cleaning. The grinder burrs are brushed every evening, the steam wands purged after every drink and
soaked in cleaner on Sunday night. The fridge temperature is written in the log at opening and closing.

Refunds. A drink that is wrong is remade at once, no questions asked. Refunds above ten euros need the
shift lead's code on the till.
`;

const GPT = {
  name: 'Harbour Cafe Helper',
  description: 'Answers staff questions about the cafe',
  instructions:
    'You help the staff of Harbour Cafe. Answer from the handbook when it covers the question, cite it, ' +
    'and use the weather action when someone asks about the terrace.',
  conversationStarters: ['When do we open?', 'When does milk arrive?'],
  capabilities: { webSearch: false, canvas: false, imageGeneration: false, codeInterpreter: false },
  modelId: 'phi3',
};

/** Earlier turns of every session, so the history goes into the prompt as it does in a real chat. */
export const HISTORY_TURNS = [
  'When does the cafe open on Saturday?',
  'And when is the espresso machine switched on?',
  'Who has to approve a refund of fifteen euros?',
];

/** The measured question: its words are the handbook's, so retrieval finds a chunk. */
export const QUESTION = 'On which days does the milk delivery arrive, and before what time?';

export interface GptUser {
  auth: Record<string, string>;
  gptId: string;
  sessionIds: string[];
}

async function call(
  method: string,
  url: string,
  auth: Record<string, string>,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function uploadKnowledge(origin: string, auth: Record<string, string>, gptId: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([KNOWLEDGE], { type: 'text/plain' }), 'handbook.txt');
  const response = await fetch(`${origin}/api/gpts/${gptId}/files`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { id: string }).id;
}

async function waitUntilIngested(
  origin: string,
  auth: Record<string, string>,
  fileId: string,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const file = await call('GET', `${origin}/api/gpts/files/${fileId}`, auth);
    if (file.status === 'ready') return;
    if (file.status === 'failed')
      throw new Error(`the knowledge file failed to ingest: ${String(file.error)}`);
    if (Date.now() > deadline)
      throw new Error(`the knowledge file is still ${String(file.status)} after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function setUpGptUser(
  origin: string,
  { email, targetUrl, sessions }: { email: string; targetUrl: string; sessions: number },
): Promise<GptUser> {
  const signup = await call(
    'POST',
    `${origin}/api/auth/signup`,
    {},
    {
      email,
      password: 'correct horse battery staple',
      name: 'Bench User',
    },
  );
  const auth = { authorization: `Bearer ${signup.token as string}` };
  const gpt = await call('POST', `${origin}/api/gpts`, auth, GPT);
  const gptId = gpt.id as string;
  await waitUntilIngested(origin, auth, await uploadKnowledge(origin, auth, gptId));
  await call('POST', `${origin}/api/gpts/${gptId}/actions`, auth, {
    name: 'Terrace Weather',
    description: 'The weather at the cafe terrace today',
    url: `${targetUrl}/weather/{{city}}`,
    method: 'GET',
    arguments: [{ name: 'city', type: 'string', description: 'City name', required: true }],
  });
  const sessionIds: string[] = [];
  for (let index = 0; index < sessions; index++) {
    sessionIds.push((await call('POST', `${origin}/api/gpts/${gptId}/sessions`, auth, {})).id as string);
  }
  // The turns of all sessions at once: each answer takes the worker's 64 tokens × 20 ms.
  for (const turn of HISTORY_TURNS) {
    await Promise.all(
      sessionIds.map((sessionId) =>
        call('POST', `${origin}/api/sessions/${sessionId}/messages`, auth, { content: turn }),
      ),
    );
  }
  return { auth, gptId, sessionIds };
}
