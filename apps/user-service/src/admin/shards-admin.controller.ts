import { Controller, Get, UseGuards } from '@nestjs/common';

import type { BreakerState } from '@platform/breakers';
import { AdminTokenGuard, Answers, Summary } from '@platform/service-kit';

import { PhysicalShards } from '../shards/physical-shards.js';
import { ShardMapService } from '../shards/shard-map.service.js';
import { shardsAnswerSchema } from './shards-answer.js';

export interface ShardsJson {
  readonly mapVersion: number;
  readonly logicalShards: number;
  readonly shards: {
    readonly name: string;
    /** Logical shards the map places here. */
    readonly logicalShards: number;
    /** Users in the logical shards this database owns; null when it cannot be reached. */
    readonly users: number | null;
    readonly breaker: BreakerState;
    readonly error?: string;
  }[];
  /** Shard databases this instance knows that hold nothing yet: where resharding can move users. */
  readonly spares: string[];
}

@Controller('admin/shards')
@UseGuards(AdminTokenGuard)
export class ShardsAdminController {
  constructor(
    private readonly maps: ShardMapService,
    private readonly shards: PhysicalShards,
  ) {}

  /** `GET /admin/shards` → the shard map this instance routes with, and each shard's row count. */
  @Get()
  @Summary("The shard map this instance routes with, and each shard database's users")
  @Answers(200, shardsAnswerSchema)
  async list(): Promise<ShardsJson> {
    await this.maps.refresh().catch(() => false);
    const map = this.maps.map;
    const shards = await Promise.all(
      map.shards.map(async (shard) => {
        const base = {
          name: shard.name,
          logicalShards: map.logicalShardsOf(shard.name).length,
        };
        try {
          const { rows } = await this.shards.beside(shard.name, (pool) =>
            pool.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM users u JOIN owned_shards o ON o.logical_shard = u.logical_shard',
            ),
          );
          return { ...base, users: rows[0]!.n, breaker: this.shards.breakerState(shard.name) };
        } catch (error) {
          return {
            ...base,
            users: null,
            breaker: this.shards.breakerState(shard.name),
            error: (error as Error).message,
          };
        }
      }),
    );
    const used = new Set(map.shards.filter((s) => map.logicalShardsOf(s.name).length > 0).map((s) => s.name));
    return {
      mapVersion: map.version,
      logicalShards: map.logicalShards,
      shards,
      spares: this.shards.names().filter((name) => !used.has(name)),
    };
  }
}
