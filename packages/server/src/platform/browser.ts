/**
 * The one headless browser Flywheel drives: it prints the 复盘 as PDF, and the console's browser tests
 * run in it. It comes from the npm registry like everything else: `@sparticuz/chromium` ships Chromium
 * (unpacked to the temp dir on first use, a few seconds) and the NSS libraries it links, and
 * `@fontsource/noto-sans-sc` the Chinese font, served to the page from the package, so a machine
 * with only Node and npm prints Chinese without system fonts. `chromiumPath` (config
 * FLYWHEEL_CHROMIUM) names another Chromium to use instead (Debian's is /usr/bin/chromium).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Flags for a headless browser on a server: no sandbox (root in containers), no GPU, no calls home. */
export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-zygote'];

let unpacked: Promise<{ executablePath: string; libraryPath: string | undefined }> | undefined;

/** Where the browser is (`chromiumPath`, else the packaged one, unpacked the first time). */
export function browserExecutable(chromiumPath?: string): Promise<{ executablePath: string; libraryPath: string | undefined }> {
  if (chromiumPath) {
    if (!fs.existsSync(chromiumPath)) return Promise.reject(new Error(`FLYWHEEL_CHROMIUM is ${chromiumPath}, which does not exist`));
    return Promise.resolve({ executablePath: chromiumPath, libraryPath: undefined });
  }
  unpacked ??= (async () => {
    const { default: packaged } = await import('@sparticuz/chromium');
    const executablePath = await packaged.executablePath();
    return { executablePath, libraryPath: unpackLibraries() };
  })();
  return unpacked;
}

/**
 * The NSS libraries Chromium links (libnss3, libnspr4, …), from the package's archive into the temp
 * dir: a machine without Debian's libnss3 runs the browser all the same.
 */
function unpackLibraries(): string {
  const archive = path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', 'bin', 'al2023.tar.br');
  const dir = path.join(os.tmpdir(), 'flywheel-chromium-libs');
  if (fs.existsSync(path.join(dir, 'done'))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const tar = zlib.brotliDecompressSync(fs.readFileSync(archive));
  for (let at = 0; at + 512 <= tar.length;) {
    const name = tar.subarray(at, at + 100).toString().replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.subarray(at + 124, at + 136).toString().trim(), 8) || 0;
    const type = String.fromCharCode(tar[at + 156]);
    if (type === '0' || type === '\0') fs.writeFileSync(path.join(dir, path.basename(name)), tar.subarray(at + 512, at + 512 + size), { mode: 0o755 });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  fs.writeFileSync(path.join(dir, 'done'), '');
  return dir;
}

/** Launches the browser; the caller closes it. */
export async function launchBrowser(chromiumPath?: string): Promise<Browser> {
  const { executablePath, libraryPath } = await browserExecutable(chromiumPath);
  const { chromium } = await import('playwright-core');
  // The browser inherits this process's environment, with the packaged libraries found first.
  const inherited = process.env; // eslint-disable-line no-restricted-syntax -- passed on to the child, not read as configuration
  const env = libraryPath ? { ...inherited, LD_LIBRARY_PATH: [libraryPath, inherited.LD_LIBRARY_PATH].filter(Boolean).join(':') } : inherited;
  return chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS, env: env as Record<string, string> });
}

/** A host that exists only inside the browser: its requests are answered from the font package. */
const FONT_HOST = 'https://fonts.flywheel.invalid/';

/** `@font-face` rules for Noto Sans SC (regular and bold), loading from FONT_HOST chunk by chunk as glyphs are needed. */
function cjkFontCss(): string {
  const dir = path.dirname(require.resolve('@fontsource/noto-sans-sc'));
  return ['400.css', '700.css'].map((file) => fs.readFileSync(path.join(dir, file), 'utf8').replaceAll('./files/', FONT_HOST)).join('\n');
}

/** Gives `page` the Chinese font: answers its font requests from the package and adds the rules. Call before content loads. */
export async function serveCjkFont(page: Page): Promise<string> {
  const files = path.join(path.dirname(require.resolve('@fontsource/noto-sans-sc')), 'files');
  await page.route(`${FONT_HOST}**`, async (route) => {
    const name = path.basename(new URL(route.request().url()).pathname);
    const file = path.join(files, name);
    if (!fs.existsSync(file)) return route.fulfill({ status: 404 });
    await route.fulfill({ body: fs.readFileSync(file), contentType: name.endsWith('.woff2') ? 'font/woff2' : 'font/woff' });
  });
  return cjkFontCss();
}
