import { describe, expect, it } from 'vitest';
import { FlywheelError } from '../../../platform/errors';
import { htmlToPdf } from './pdf';

describe('PDF export', () => {
  it('answers 501 naming the package to install when Chromium is missing', async () => {
    const error = await htmlToPdf('<p>复盘</p>', '/nonexistent/chromium').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlywheelError);
    expect((error as FlywheelError).status).toBe(501);
    expect((error as FlywheelError).code).toBe('not_implemented');
    expect((error as FlywheelError).message).toMatch(/apt-get install chromium/);
  });
});
