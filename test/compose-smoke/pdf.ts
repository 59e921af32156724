import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A text PDF of `pages` pages, each naming its page and carrying `phrase`. */
export async function textPdf(phrase: string, pages = 1): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 1; page <= pages; page++) {
    const sheet = pdf.addPage([595, 842]);
    for (let line = 0; line < 40; line++) {
      const text = `Page ${page} line ${line}: ${phrase} and some filler words for the chunker.`;
      sheet.drawText(text, { x: 40, y: 800 - line * 19, size: 10, font });
    }
  }
  return pdf.save();
}
