import fs from 'node:fs';
import { FlywheelError } from '../../../platform/errors';

/**
 * PDF = the HTML report printed by headless Chromium (Debian's `chromium` package through
 * playwright-core; no browser is downloaded). Chinese text needs the `fonts-noto-cjk` package.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function htmlToPdf(html: string, executablePath = CHROMIUM_PATH): Promise<Buffer> {
  if (!fs.existsSync(executablePath)) {
    throw new FlywheelError('not_implemented', `PDF export needs Chromium at ${executablePath}: install it (Debian: apt-get install chromium fonts-noto-cjk), or ask for format=html and print that`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
