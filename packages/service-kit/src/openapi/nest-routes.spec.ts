import 'reflect-metadata';

import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { ZodPipe } from '../validation/zod.pipe.js';
import { describeControllerRoutes } from './nest-routes.js';
import { Answers, Summary } from './route-doc.js';

const note = z.object({ text: z.string() });
const noteId = z.string().regex(/^\d+$/);
const listQuery = z.object({ limit: z.string().optional() });

@Controller('notes')
class NotesController {
  @Post()
  @Summary('Write a note')
  @Answers(201, note)
  create(@Body(new ZodPipe(note, 'note')) body: unknown, @Headers('X-Actor') actor?: string): unknown {
    return { body, actor };
  }

  @Get()
  list(@Query(new ZodPipe(listQuery, 'query')) query: unknown): unknown {
    return query;
  }

  @Get(':id')
  get(@Param('id', new ZodPipe(noteId, 'note id')) id: string, @Param('other') other?: string): unknown {
    return { id, other };
  }

  @Delete(':id')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  remove(@Param('id') id: string): string {
    return id;
  }

  notARoute(): void {}
}

@Controller()
@UseGuards(AdminTokenGuard)
class ShardsAdminController {
  @Get('admin/shards')
  list(): unknown[] {
    return [];
  }
}

describe(describeControllerRoutes.name, () => {
  const routes = describeControllerRoutes(NotesController);
  const route = (operationId: string) => routes.find((r) => r.operationId === operationId);

  it('finds each route with its method, its whole path and the status Nest answers with', () => {
    expect(routes.map((r) => [r.method, r.path, r.status])).toEqual([
      ['post', '/notes', 201],
      ['get', '/notes', 200],
      ['get', '/notes/:id', 200],
      ['delete', '/notes/:id', 204],
    ]);
    expect(route('NotesController.create')?.tag).toBe('notes');
  });

  it('takes the schema of each input from the ZodPipe that validates it', () => {
    expect(route('NotesController.create')?.inputs).toEqual([
      { in: 'header', name: 'x-actor' },
      { in: 'body', schema: note },
    ]);
    expect(route('NotesController.list')?.inputs).toEqual([{ in: 'query', schema: listQuery }]);
    expect(route('NotesController.get')?.inputs).toEqual(
      expect.arrayContaining([
        { in: 'path', name: 'id', schema: noteId },
        { in: 'path', name: 'other' },
      ]),
    );
  });

  it('notices the admin token guard on the handler or on the whole controller', () => {
    expect(route('NotesController.remove')?.adminToken).toBe(true);
    expect(route('NotesController.get')?.adminToken).toBe(false);
    expect(describeControllerRoutes(ShardsAdminController)).toEqual([
      expect.objectContaining({ path: '/admin/shards', adminToken: true, tag: 'shards-admin' }),
    ]);
  });

  it('carries what the route documents about itself', () => {
    expect(route('NotesController.create')?.doc).toMatchObject({
      summary: 'Write a note',
      answers: [{ status: 201 }],
    });
    expect(route('NotesController.list')?.doc).toEqual({ answers: [] });
  });
});
