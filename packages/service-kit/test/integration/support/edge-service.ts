import { request as httpRequest } from 'node:http';

import { Body, Controller, Get, Module, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { AdminTokenGuard } from '../../../src/admin/admin-token.guard.js';
import { createServiceApp, type RunningService } from '../../../src/bootstrap/create-service-app.js';
import { baseEnvSchema } from '../../../src/config/base-env.schema.js';
import { loadConfig } from '../../../src/config/load-config.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Routes a client at the edge can reach: who it looks like, an upload, an admin action. */
@Controller('edge')
class EdgeController {
  @Get('whoami')
  whoami(@Req() request: FastifyRequest) {
    return { ip: request.ip };
  }

  @Post('upload')
  upload(@Body() body: unknown) {
    return { bytes: JSON.stringify(body).length };
  }

  @Post('admin')
  @UseGuards(AdminTokenGuard)
  admin() {
    return { done: true };
  }
}

@Module({ controllers: [EdgeController] })
class EdgeModule {}

export interface EdgeService {
  readonly service: RunningService;
  readonly port: number;
  /** The service's log lines so far, parsed. */
  logs(): Record<string, unknown>[];
}

/** A real service app (Fastify under Nest, as every service is built) with `env` over test defaults. */
export async function startEdgeService(env: Record<string, string> = {}): Promise<EdgeService> {
  const raw: string[] = [];
  const service = await createServiceApp({
    name: 'edge',
    config: loadConfig(baseEnvSchema, {
      PORT: '0',
      // Nothing connects to Kafka unless the discovery module is imported.
      KAFKA_BROKERS: '127.0.0.1:9',
      ADMIN_TOKEN,
      INSTANCE_ID: 'edge-1',
      ...env,
    }),
    module: () => EdgeModule,
    logDestination: { write: (line: string) => void raw.push(line) },
  });
  return {
    service,
    port: service.port,
    logs: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * One request to 127.0.0.1:`port` from the loopback address `from` (any of 127.0.0.0/8 on Linux),
 * so a test can be several clients. A fresh connection each time.
 */
export function requestFrom(
  from: string,
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress: from,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { connection: 'close', ...options.headers },
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
