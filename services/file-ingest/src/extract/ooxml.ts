import { posix } from 'node:path';
import { SaxesParser } from 'saxes';
import { ExtractionRefused } from './types.js';

/** An element as the handlers see it: its name without a namespace prefix, and its attributes. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
}

export interface XmlHandlers {
  open?(element: XmlElement): void;
  close?(name: string): void;
  text?(text: string): void;
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * Streams one part of an Office package through a SAX parser, so a large sheet is never held as a tree.
 * Names lose their prefix (`a:t` → `t`): Office writes the usual prefixes, but nothing obliges it to.
 * The parser expands no entity a DOCTYPE declares (an unknown one is an error), so entity bombs fail.
 */
export function parseXml(part: Buffer, what: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser();
  parser.on('error', (error) => {
    throw new ExtractionRefused(`not a valid ${what}: ${error.message}`);
  });
  if (handlers.open) {
    parser.on('opentag', (tag) => {
      // Fresh for each tag (plain strings without xmlns): prefixed names get their local name added
      // in place, since a sheet has a hundred thousand cells and copying each one's attributes shows.
      const attributes = tag.attributes as Record<string, string>;
      for (const name in attributes) if (name.includes(':')) attributes[localName(name)] = attributes[name]!;
      handlers.open!({ name: localName(tag.name), attributes });
    });
  }
  if (handlers.close) parser.on('closetag', (tag) => handlers.close!(localName(tag.name)));
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  parser.write(part.toString('utf8')).close();
}

/**
 * A part's relationships (`_rels/<part>.rels`): id → the target part's path in the package, resolved
 * against the part's folder. External targets (hyperlinks) are left out.
 */
export function relationshipsOf(entries: Map<string, Buffer>, partPath: string, what: string) {
  const relsPath = posix.join(posix.dirname(partPath), '_rels', `${posix.basename(partPath)}.rels`);
  const targets = new Map<string, { target: string; type: string }>();
  const rels = entries.get(relsPath);
  if (!rels || rels.length === 0) return targets;
  parseXml(rels, what, {
    open({ name, attributes }) {
      if (name !== 'Relationship' || attributes.TargetMode === 'External' || !attributes.Id) return;
      const target = attributes.Target ?? '';
      targets.set(attributes.Id, {
        target: target.startsWith('/')
          ? target.slice(1)
          : posix.normalize(posix.join(posix.dirname(partPath), target)),
        type: attributes.Type ?? '',
      });
    },
  });
  return targets;
}

/** The package's part, or a refusal naming what is missing. */
export function requirePart(entries: Map<string, Buffer>, path: string, what: string): Buffer {
  const part = entries.get(path);
  if (!part || part.length === 0) {
    throw new ExtractionRefused(`not a valid ${what}: it has no ${path}; save it again from Office`);
  }
  return part;
}
