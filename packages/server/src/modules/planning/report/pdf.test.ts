import { describe, expect, it } from 'vitest';
import { FlywheelError } from '../../../platform/errors';
import { htmlToPdf } from './pdf';

/** The fonts a PDF embeds, by their PostScript names. */
const embeddedFonts = (pdf: Buffer) => [...new Set([...pdf.toString('latin1').matchAll(/\/BaseFont\s*\/([A-Za-z0-9+_-]+)/g)].map((m) => m[1].replace(/^[A-Z]{6}\+/, '')))];

describe('PDF export', () => {
  it('prints Chinese text in the packaged Noto Sans SC, whatever fonts the machine has', async () => {
    const pdf = await htmlToPdf('<html><head></head><body style="font-family: \'Noto Sans SC\'"><h1>十月复盘</h1><p>支付金额 ¥1,234.00，<b>同比 +12.5%</b></p></body></html>');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(embeddedFonts(pdf).some((name) => /NotoSansSC/.test(name)), embeddedFonts(pdf).join(', ')).toBe(true);
  });

  it('answers 501 saying what to do when its browser cannot start', async () => {
    const error = await htmlToPdf('<p>复盘</p>', '/nonexistent/chromium').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlywheelError);
    expect((error as FlywheelError).status).toBe(501);
    expect((error as FlywheelError).message).toMatch(/FLYWHEEL_CHROMIUM.*format=html/);
  });
});
