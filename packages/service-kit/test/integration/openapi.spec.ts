import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, Module, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';

import {
  DocumentedAnswers,
  openApiProblems,
  operationsWithoutAnswers,
  requestJson,
  undocumentedRoutes,
} from '@platform/testing';

import { AdminTokenGuard } from '../../src/admin/admin-token.guard.js';
import { createServiceApp, type RunningService } from '../../src/bootstrap/create-service-app.js';
import { baseEnvSchema } from '../../src/config/base-env.schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { OpenApiDocument } from '../../src/openapi/openapi-document.js';
import { Answers, Fails, Summary } from '../../src/openapi/route-doc.js';
import { ZodPipe } from '../../src/validation/zod.pipe.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

const noteSchema = z.object({ id: z.string(), text: z.string() }).meta({ id: 'Note' });
const newNoteSchema = z.object({ text: z.string().min(1).max(100) }).strict();
const noteIdSchema = z.string().regex(/^n-\d+$/, 'must be a note id like n-1');
const searchSchema = z.object({ q: z.string().min(1), limit: z.string().regex(/^\d+$/).optional() });

@Controller('notes')
class NotesController {
  private readonly notes = new Map<string, string>();

  @Post()
  @Summary('Write a note')
  @Answers(201, noteSchema)
  create(@Body(new ZodPipe(newNoteSchema, 'note')) body: z.output<typeof newNoteSchema>) {
    const id = `n-${this.notes.size + 1}`;
    this.notes.set(id, body.text);
    return { id, text: body.text };
  }

  @Get('search')
  @Answers(200, z.object({ notes: z.array(noteSchema) }))
  search(@Query(new ZodPipe(searchSchema, 'query')) query: z.output<typeof searchSchema>) {
    const notes = [...this.notes]
      .filter(([, text]) => text.includes(query.q))
      .map(([id, text]) => ({ id, text }));
    return { notes };
  }

  @Get(':id')
  @Answers(200, noteSchema)
  @Fails(404, 'no note with this id')
  read(@Param('id', new ZodPipe(noteIdSchema, 'note id')) id: string) {
    return { id, text: this.notes.get(id) ?? '' };
  }

  @Post('purge')
  @UseGuards(AdminTokenGuard)
  @Answers(201, z.object({ purged: z.number() }))
  purge() {
    const purged = this.notes.size;
    this.notes.clear();
    return { purged };
  }
}

@Module({ controllers: [NotesController] })
class NotesModule {}

describe('GET /openapi.json', () => {
  let service: RunningService;
  let document: OpenApiDocument;

  beforeAll(async () => {
    service = await createServiceApp({
      name: 'notes',
      config: loadConfig(baseEnvSchema, {
        PORT: '0',
        KAFKA_BROKERS: '127.0.0.1:9',
        ADMIN_TOKEN,
        INSTANCE_ID: 'notes-1',
        SERVICE_VERSION: '1.2.3',
      }),
      module: () => NotesModule,
      logDestination: { write: () => undefined },
    });
    const answer = await requestJson<OpenApiDocument>(`${service.url}/openapi.json`);
    expect(answer.status).toBe(200);
    document = answer.body;
  });

  afterAll(async () => {
    await service.shutdown('test over');
  });

  it('is a valid OpenAPI 3.1 document named after the service and its version', async () => {
    expect(await openApiProblems(document)).toEqual([]);
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'notes', version: '1.2.3' } });
  });

  it("lists every route the server answers, the service kit's own included, each with its answer", () => {
    expect(undocumentedRoutes(service.routes(), document)).toEqual([]);
    expect(operationsWithoutAnswers(document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/notes/{id}', '/health/ready', '/metrics', '/admin/faults', '/openapi.json']),
    );
  });

  it('documents inputs from the zod schemas that validate them', () => {
    const search = document.paths['/notes/search']?.get;
    expect(search?.parameters?.map(({ name, in: where, required }) => ({ name, where, required }))).toEqual([
      { name: 'q', where: 'query', required: true },
      { name: 'limit', where: 'query', required: false },
    ]);
    expect(document.paths['/notes/{id}']?.get?.parameters?.[0]?.schema).toEqual({
      type: 'string',
      pattern: '^n-\\d+$',
    });
    expect(document.paths['/notes']?.post?.requestBody?.content['application/json']?.schema).toMatchObject({
      properties: { text: { type: 'string', minLength: 1, maxLength: 100 } },
    });
    expect(document.paths['/notes/purge']?.post?.security).toEqual([{ adminToken: [] }]);
    expect(document.components.schemas['Note']).toBeDefined();
  });

  it('describes what the service really answers, errors included', async () => {
    const answers = new DocumentedAnswers(document);
    const exchanges: [string, string, unknown?, Record<string, string>?][] = [
      ['POST', '/notes', { text: 'buy milk' }],
      ['POST', '/notes', { text: '' }],
      ['GET', '/notes/search?q=milk'],
      ['GET', '/notes/n-1'],
      ['GET', '/notes/nope'],
      ['POST', '/notes/purge'],
      ['POST', '/notes/purge', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['GET', '/health/live'],
      ['GET', '/health/ready'],
      ['GET', '/metrics'],
      ['GET', '/admin/faults', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['GET', '/openapi.json'],
    ];
    for (const [method, path, json, headers] of exchanges) {
      const answer = await requestJson(`${service.url}${path}`, { method, json, headers });
      const check = answers.check({
        method,
        path,
        status: answer.status,
        contentType: answer.headers.get('content-type'),
        body: answer.text,
      });
      expect({ method, path, status: answer.status, problems: check?.problems }).toEqual({
        method,
        path,
        status: answer.status,
        problems: [],
      });
    }
  });
});
