import { parseXml, relationshipsOf, requirePart } from './ooxml.js';
import { CharBudget, type Extracted, ExtractionRefused, type TextSegment } from './types.js';
import { unzipGuarded } from './zip-guard.js';

const WHAT = 'PPTX';
const PRESENTATION = 'ppt/presentation.xml';
const NOTES_TYPE = /\/notesSlide$/;

/**
 * The text of each slide, in the presentation's order, with the speaker notes after it; a slide's
 * number is its page, so citations name the slide. The package is unzipped under the same guard as
 * DOCX (size cap, every entry counted), and slides count against the page cap.
 */
export async function extractPptx(
  bytes: Buffer,
  limits: { maxPages: number; maxChars: number; maxUnzippedBytes: number },
): Promise<Extracted> {
  const entries = await unzipGuarded(
    bytes,
    limits.maxUnzippedBytes,
    WHAT,
    (name) =>
      name === PRESENTATION || name.endsWith('.rels') || /^ppt\/(slides|notesSlides)\/[^/]+\.xml$/.test(name),
  );
  const slidePaths = slidesInOrder(entries);
  if (slidePaths.length > limits.maxPages) {
    throw new ExtractionRefused(
      `the presentation has ${slidePaths.length} slides; the limit is ${limits.maxPages}`,
    );
  }
  const budget = new CharBudget(limits.maxChars);
  const segments: TextSegment[] = slidePaths.map((path, index) => {
    // Slide numbers and dates in placeholders say nothing the page number does not.
    const text = shapeText(requirePart(entries, path, WHAT), (ph) => ph !== 'sldNum' && ph !== 'dt');
    const notesPath = [...relationshipsOf(entries, path, WHAT).values()].find((rel) =>
      NOTES_TYPE.test(rel.type),
    );
    // A notes page also holds the slide's picture and number: only its body placeholder is the notes.
    const notes =
      notesPath && entries.get(notesPath.target)?.length
        ? shapeText(entries.get(notesPath.target)!, (placeholder) => placeholder === 'body')
        : '';
    const whole = notes.trim() ? `${text}\n\nNotes: ${notes}` : text;
    return { page: index + 1, text: budget.take(whole) };
  });
  return { segments, pageCount: slidePaths.length };
}

/** The slide parts named by presentation.xml's slide list, in its order (not the file names'). */
function slidesInOrder(entries: Map<string, Buffer>): string[] {
  const presentation = requirePart(entries, PRESENTATION, WHAT);
  const relationships = relationshipsOf(entries, PRESENTATION, WHAT);
  const paths: string[] = [];
  parseXml(presentation, WHAT, {
    open({ name, attributes }) {
      if (name !== 'sldId' || !attributes.id) return;
      const slide = relationships.get(attributes.id);
      if (!slide || !entries.get(slide.target)?.length) return;
      // PowerPoint never lists a slide part twice; a file that does would have it parsed once per entry.
      if (paths.includes(slide.target)) {
        throw new ExtractionRefused(`not a valid PPTX: ${slide.target} is listed twice`);
      }
      paths.push(slide.target);
    },
  });
  return paths;
}

/**
 * The paragraphs of the shapes (text boxes, placeholders, table cells) a part holds, one per line,
 * keeping only shapes whose placeholder type `keep` accepts (undefined: not a placeholder).
 */
function shapeText(part: Buffer, keep: (placeholder: string | undefined) => boolean): string {
  const paragraphs: string[] = [];
  let shape: { placeholder: string | undefined; paragraphs: string[] } | null = null;
  let paragraph: string | null = null;
  let inText = false;
  parseXml(part, WHAT, {
    open({ name, attributes }) {
      if (name === 'sp' || name === 'graphicFrame') shape = { placeholder: undefined, paragraphs: [] };
      else if (name === 'ph' && shape) shape.placeholder = attributes.type ?? 'body';
      else if (name === 'p') paragraph = '';
      else if (name === 't') inText = true;
      else if (name === 'br' && paragraph !== null) paragraph += '\n';
      else if (name === 'tab' && paragraph !== null) paragraph += '\t';
    },
    text(text) {
      if (inText && paragraph !== null) paragraph += text;
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'p' && paragraph !== null) {
        if (paragraph.trim()) (shape ? shape.paragraphs : paragraphs).push(paragraph);
        paragraph = null;
      } else if ((name === 'sp' || name === 'graphicFrame') && shape) {
        if (keep(shape.placeholder)) paragraphs.push(...shape.paragraphs);
        shape = null;
      }
    },
  });
  return paragraphs.join('\n');
}
