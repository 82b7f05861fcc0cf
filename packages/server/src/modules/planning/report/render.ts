import type { ReviewFormat, ReviewReport } from '@flywheel/contracts';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { htmlToPdf } from './pdf';

export interface RenderedReview {
  contentType: string;
  body: string | Buffer;
  /** A file name for downloads: review-2026-10.md */
  fileName: string;
}

export async function renderReview(report: ReviewReport, format: ReviewFormat, chromiumPath?: string): Promise<RenderedReview> {
  const fileName = `review-${report.period.label}.${format}`;
  switch (format) {
    case 'json': return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(report, null, 2)}\n`, fileName };
    case 'md': return { contentType: 'text/markdown; charset=utf-8', body: renderMarkdown(report), fileName };
    case 'html': return { contentType: 'text/html; charset=utf-8', body: renderHtml(report), fileName };
    case 'pdf': return { contentType: 'application/pdf', body: await htmlToPdf(renderHtml(report), chromiumPath), fileName };
  }
}
