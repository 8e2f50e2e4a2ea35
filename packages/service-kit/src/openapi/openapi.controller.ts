import { Controller, Get } from '@nestjs/common';

import { ApiDocument } from './api-document.js';
import { openApiDocumentSchema, type OpenApiDocument } from './openapi-document.js';
import { Answers, Summary } from './route-doc.js';

/** `GET /openapi.json`: this API as an OpenAPI 3.1 document (on every service, from the service kit). */
@Controller()
export class OpenApiController {
  constructor(private readonly document: ApiDocument) {}

  @Get('openapi.json')
  @Summary('This API as an OpenAPI 3.1 document')
  @Answers(200, openApiDocumentSchema)
  openApi(): Promise<OpenApiDocument> {
    return this.document.served();
  }
}
