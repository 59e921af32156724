import { describe, expect, it } from 'vitest';
import { completeBlocksEnd, MarkdownStream } from '../src/markdown.js';

describe('MarkdownStream', () => {
  it('holds a block until it is complete, and a code fence until it closes', () => {
    expect(completeBlocksEnd('A paragraph')).toBe(0);
    expect(completeBlocksEnd('A paragraph\n\nNext')).toBe('A paragraph\n\n'.length);
    const fenced = '```js\nconst a = 1;\n\nconst b = 2;\n';
    expect(completeBlocksEnd(fenced)).toBe(0);
    expect(completeBlocksEnd(`${fenced}\`\`\`\n`)).toBe(fenced.length + 4);
  });

  it('renders each block once, as it completes, and the rest at the end', () => {
    const written: string[] = [];
    const stream = new MarkdownStream((text) => written.push(text), { width: 80 });
    for (const piece of ['# Ti', 'tle\n', '\nSome **bold', '** text.\n\n', '- one\n- two'])
      stream.push(piece);
    expect(written).toHaveLength(2);
    expect(written.join('')).toContain('Title');
    expect(written.join('')).not.toContain('**');
    expect(written.join('')).not.toContain('one');
    stream.finish();
    expect(written).toHaveLength(3);
    expect(written[2]).toMatch(/one[\s\S]*two/);
  });
});

describe('MarkdownStream on a terminal', () => {
  it('shows the unfinished block as plain text, then erases it for its rendering', () => {
    let screen = '';
    const stream = new MarkdownStream((text) => (screen += text), { width: 80, live: true });
    stream.push('Some **bo');
    expect(screen).toBe('Some **bo');
    stream.push('ld** text.\n\nNext');
    // Back to the start of the shown row, cleared, the rendering, then the next block's start.
    const [shown, rendered] = screen.split('\r\x1b[J');
    expect(shown).toBe('Some **bo');
    expect(rendered).toMatch(/bold[\s\S]* text\.\n\nNext$/);
    expect(rendered).not.toContain('**');
  });
});
