import type { ReviewFormat, ReviewReport } from '@flywheel/contracts';
import { renderMarkdown } from './markdown';
import { htmlToPdf } from './pdf';

// ECharts takes about a second to load: only the HTML and PDF formats pay for it, not every start-up.
const html = async (report: ReviewReport) => (await import('./html')).renderHtml(report);

export interface RenderedReview {
  contentType: string;
  body: string | Buffer;
  /** A file name for downloads: review-2026-10.md */
  fileName: string;
}

/** `chromiumPath`: config FLYWHEEL_CHROMIUM (the packaged browser when not set). */
export async function renderReview(report: ReviewReport, format: ReviewFormat, chromiumPath?: string): Promise<RenderedReview> {
  const fileName = `review-${report.period.label}.${format}`;
  switch (format) {
    case 'json': return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(report, null, 2)}\n`, fileName };
    case 'md': return { contentType: 'text/markdown; charset=utf-8', body: renderMarkdown(report), fileName };
    case 'html': return { contentType: 'text/html; charset=utf-8', body: await html(report), fileName };
    case 'pdf': return { contentType: 'application/pdf', body: await htmlToPdf(await html(report), chromiumPath), fileName };
  }
}
