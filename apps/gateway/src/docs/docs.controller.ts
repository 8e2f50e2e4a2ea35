import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

import { Answers, Fails, Summary } from '@platform/service-kit';

import { DocsFileNotFoundError } from './docs.errors.js';
import { SwaggerUiFiles, type DocsFile } from './swagger-ui-files.js';

/** `GET /docs`: the platform's API in Swagger UI, reading the gateway's merged `/openapi.json`. */
@Controller('docs')
export class DocsController {
  private readonly files = new SwaggerUiFiles('/openapi.json');

  @Get()
  @Summary('The API of every service in Swagger UI')
  @Answers(200, z.string(), { mediaType: 'text/html', description: 'The Swagger UI page' })
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer | string {
    return send(reply, this.files.page(), 'no-cache');
  }

  @Get(':file')
  @Summary("A file of the docs page: Swagger UI's script, styles and icons")
  @Answers(200, z.unknown(), { mediaType: '*/*', description: 'CSS, JavaScript or PNG' })
  @Fails(404, 'Not a file of the docs page')
  async file(
    @Param('file') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | string> {
    const file = await this.files.file(name);
    if (!file) throw new DocsFileNotFoundError(name);
    return send(reply, file, 'public, max-age=3600');
  }
}

function send(reply: FastifyReply, file: DocsFile, cacheControl: string): Buffer | string {
  void reply.header('content-type', file.contentType).header('cache-control', cacheControl);
  return file.body;
}
