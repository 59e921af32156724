import { createHash } from 'node:crypto';

/** Dimensions of the test embeddings: enough that unrelated concepts rarely share one. */
export const TEST_EMBEDDING_DIMENSIONS = 256;

/**
 * Words that mean the same thing, one group a line. A real embedding model places them close together;
 * this table does the same for tests and benches, so a question worded differently from a document
 * finds it by meaning and not by its words.
 */
const CONCEPTS = [
  'car automobile vehicle sedan motorcar',
  'doctor physician medic clinician',
  'money cash funds payment salary wage wages pay',
  'refund reimbursement repayment',
  'purchase buy bought buying acquire',
  'holiday vacation leave',
  'employee worker staff personnel',
  'boss manager supervisor',
  'fix repair mend',
  'broken faulty defective malfunctioning',
  'laptop notebook computer pc',
  'phone telephone smartphone mobile',
  'password passphrase credential credentials',
  'login signin sign-in log-in authenticate',
  'forgot forgotten lost',
  'reset restore recover',
  'ill sick unwell illness sickness disease',
  'medicine medication drug drugs pill pills',
  'dog puppy hound canine',
  'cat kitten feline',
  'house home dwelling residence',
  'rent lease tenancy',
  'quick fast rapid speedy',
  'big large huge enormous',
  'small little tiny',
  'begin start commence',
  'end finish terminate cancel',
  'subscription membership plan',
  'ship shipping delivery deliver dispatch',
  'package parcel',
  'late delayed overdue',
  'error failure fault bug',
  'invoice bill billing',
  'travel trip journey',
  'flight plane airplane aircraft',
  'hotel lodging accommodation',
  'food meal dish cuisine',
  'eat eating dine dining',
  'child kid children kids',
  'school academy',
  'teacher instructor tutor',
  'ocean sea marine',
  'fish trout salmon',
  'weather climate forecast',
  'rain rainfall precipitation',
  'heart cardiac',
  'kidney renal',
  'lawyer attorney counsel',
  'contract agreement',
  'court tribunal',
  'battery charge charging',
  'screen display monitor',
  'vaccine vaccines vaccination shot shots jab',
  'check checkup screening exam',
  'landlord owner',
  'increase raise raised',
  'older elderly senior',
  'home remote remotely',
];

const STOPWORDS = new Set(
  'a an the of to in on for and or is are was were be been do does did how what when where which who why my your our their it its i you we they can could should would will with at by from as this that these those me us them not no'.split(
    ' ',
  ),
);

const conceptOf = new Map<string, string>();
for (const line of CONCEPTS) {
  const words = line.split(' ');
  for (const word of words) conceptOf.set(word, words[0]!);
}

const dimensions = new Map<string, number>();
function dimensionOf(term: string): number {
  let dimension = dimensions.get(term);
  if (dimension === undefined) {
    dimension = createHash('sha256').update(term).digest().readUInt32BE(0) % TEST_EMBEDDING_DIMENSIONS;
    if (dimensions.size < 100_000) dimensions.set(term, dimension);
  }
  return dimension;
}

/**
 * A deterministic, unit-length embedding: each word (or the concept it belongs to) adds weight to one
 * hashed dimension. Same text, same vector; texts about the same concepts point the same way.
 */
export function conceptEmbedding(text: string): number[] {
  const vector = new Array<number>(TEST_EMBEDDING_DIMENSIONS).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z][a-z-]*/g) ?? []) {
    if (STOPWORDS.has(raw)) continue;
    const singular = raw.replace(/s$/, '');
    const term =
      conceptOf.get(raw) ?? conceptOf.get(singular) ?? conceptOf.get(raw.replace(/es$/, '')) ?? singular;
    vector[dimensionOf(term)]! += 1;
  }
  const norm = Math.hypot(...vector);
  // An empty text still gets a vector (Ollama always answers one): a fixed direction.
  if (norm === 0) vector[0] = 1;
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
