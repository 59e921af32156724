import type { ActionFields } from '../actions/action-input.js';

/** A starting point offered to every user; copying it makes an ordinary GPT of theirs. */
export interface BuiltInTemplate {
  key: string;
  name: string;
  description: string;
  category: string;
  instructions: string;
  conversationStarters: string[];
  /** A key of models.json; the first configured model when this one is not configured. */
  model: string;
  capabilities?: { webSearch?: boolean; codeInterpreter?: boolean };
  actions?: ActionFields[];
  /** Knowledge the copy starts with (Markdown files, ingested like uploads). */
  knowledge?: Array<{ name: string; text: string }>;
}

export const BUILT_IN_TEMPLATES: BuiltInTemplate[] = [
  {
    key: 'writing',
    name: 'Writing Partner',
    description: 'Drafts, edits and tightens prose in your voice',
    category: 'Writing',
    instructions:
      'You are a careful writing partner. Ask who the text is for, keep the author’s voice, prefer short ' +
      'sentences and concrete words, and explain each substantial edit in one line.',
    conversationStarters: [
      'Tighten this paragraph',
      'Outline a blog post about…',
      'Make this email friendlier',
    ],
    model: 'creative',
  },
  {
    key: 'coding',
    name: 'Code Reviewer',
    description: 'Reviews code, explains bugs and suggests tests',
    category: 'Coding',
    instructions:
      'You are a senior engineer reviewing code. Point out bugs first, then unclear names and missing ' +
      'tests. Show small, complete fixes in fenced code blocks.',
    conversationStarters: ['Review this function', 'Why does this test fail?', 'Write tests for this module'],
    model: 'coding',
    capabilities: { codeInterpreter: true },
  },
  {
    key: 'research',
    name: 'Research Assistant',
    description: 'Answers from the documents you upload as knowledge, citing them',
    category: 'Research',
    instructions:
      'You answer from the knowledge files of this GPT. Quote or cite the file and page for every claim, ' +
      'say plainly when the files do not answer the question, and never invent sources. ' +
      'Upload your papers, notes or manuals under Knowledge; the guide already there is an example.',
    conversationStarters: [
      'How should I cite a source?',
      'Summarise the uploaded documents',
      'What do the files say about…?',
    ],
    model: 'core',
    knowledge: [
      {
        name: 'research-guide.md',
        text: [
          '# Research guide',
          '',
          '## Citing sources',
          'Cite every claim with the document name and page, for example (handbook.pdf, p. 4).',
          'Quote exact words in quotation marks; paraphrase everything else.',
          '',
          '## Judging a source',
          'Prefer primary sources, check the date, and note who published it and why.',
          'When two sources disagree, say so and give both.',
          '',
          '## Summaries',
          'Start with the answer in one sentence, then the evidence, then what remains open.',
        ].join('\n'),
      },
    ],
  },
  {
    key: 'api-action',
    name: 'Weather (API action example)',
    description: 'Calls a public weather API through an action: a model to adapt to your own API',
    category: 'Actions',
    instructions:
      'When asked about the weather, call get_weather with the latitude and longitude of the place ' +
      '(look them up from your knowledge of geography), then answer in one sentence with the temperature.',
    conversationStarters: ['What is the weather in Paris?', 'Is it windy in Oslo right now?'],
    model: 'smalltalk',
    actions: [
      {
        name: 'get_weather',
        description: 'Current weather at a latitude and longitude (Open-Meteo)',
        url: 'https://api.open-meteo.com/v1/forecast?latitude={{latitude}}&longitude={{longitude}}&current_weather=true',
        method: 'GET',
        headers: {},
        parameters: {},
        arguments: [
          { name: 'latitude', type: 'number', description: 'Latitude in degrees', required: true },
          { name: 'longitude', type: 'number', description: 'Longitude in degrees', required: true },
        ],
        isActive: true,
      },
    ],
  },
];
