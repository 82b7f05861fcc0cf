import { FlywheelError } from '../../../platform/errors';
import { launchBrowser, serveCjkFont } from '../../../platform/browser';

/**
 * PDF = the HTML report printed by the headless browser of platform/browser.ts (shipped in npm
 * packages, with its Chinese font), so the export works on a machine with only Node and npm.
 */
export async function htmlToPdf(html: string, chromiumPath?: string): Promise<Buffer> {
  let browser;
  try {
    browser = await launchBrowser(chromiumPath);
  } catch (error) {
    throw new FlywheelError('not_implemented', `PDF export could not start its browser (${(error as Error).message.split('\n')[0]}): run npm install again, set FLYWHEEL_CHROMIUM to a Chromium, or ask for format=html and print that`);
  }
  try {
    const page = await browser.newPage();
    const fontCss = await serveCjkFont(page);
    await page.setContent(html, { waitUntil: 'load' });
    await page.addStyleTag({ content: fontCss });
    await page.evaluate(() => document.fonts.ready);
    // Page numbers in the footer (digits only: the footer is drawn without the page's fonts).
    return await page.pdf({
      format: 'A4', printBackground: true, preferCSSPageSize: true, margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true, headerTemplate: '<span></span>',
      footerTemplate: '<div style="width:100%;text-align:center;font-size:8px;color:#8c8c8c;font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
  } finally {
    await browser.close();
  }
}
