import { z } from 'zod';
import multipart from '@fastify/multipart';
import { importEntities, importResult, locales, moneyUnits } from '@flywheel/contracts';
import { principalOf, type HttpApp } from '../../platform/http';
import { FlywheelError } from '../../platform/errors';
import type { ImportService } from './service';

const MAX_FILE_BYTES = 200 * 1024 * 1024;

/**
 * `POST /v1/import/{entity}`: a multipart upload (field `file`) or the raw file as the body with
 * `?fileName=orders.csv` so the format is known.
 */
export async function importRoutes(app: HttpApp, imports: ImportService) {
  // The file parsers (multipart and raw bodies up to 200 MB) belong to this route alone: registered in
  // a scope of their own, so no other route reads a large or non-JSON body.
  await app.register(async (scope: HttpApp) => {
    await scope.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1 } });
    scope.addContentTypeParser(['text/csv', 'application/x-ndjson', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES }, (_req, body, done) => done(null, body));

    scope.post('/v1/import/:entity', {
      config: { access: 'write' },
      bodyLimit: MAX_FILE_BYTES,
      schema: {
        tags: ['commerce'],
        summary: 'Import a CSV (UTF-8 or GBK), XLSX or NDJSON file of records, or an NDJSON file of tracking calls (entity events); returns what landed and, for each refused line, the file\'s column and value and the reason (a message key with values, and its text in lang)',
        params: z.object({ entity: z.enum(importEntities) }),
        querystring: z.object({
          fileName: z.string().optional(),
          // Absent: the file says (a decimal point or ¥ in a money column is 元); a file of whole numbers must be told (400, field money).
          money: z.enum(moneyUnits).optional(),
          lang: z.enum(locales).default('zh-CN'),
        }),
        response: { 200: importResult },
      },
    }, async (request) => {
      const { shopId } = principalOf(request);
      let file: Buffer;
      let fileName = request.query.fileName;
      if (request.isMultipart()) {
        const part = await request.file();
        if (!part) throw new FlywheelError('invalid_field', 'file: attach the file as the multipart field "file"', 'file');
        file = await part.toBuffer();
        fileName = fileName ?? part.filename;
      } else {
        if (!Buffer.isBuffer(request.body)) throw new FlywheelError('invalid_request', 'send the file as multipart/form-data (field "file") or as the raw body with ?fileName=');
        file = request.body;
      }
      if (!fileName) throw new FlywheelError('invalid_field', 'fileName: say which format this is, e.g. ?fileName=orders.csv', 'fileName');
      return imports.importFile(shopId, request.params.entity, file, fileName, { money: request.query.money, lang: request.query.lang });
    });
  });
}
