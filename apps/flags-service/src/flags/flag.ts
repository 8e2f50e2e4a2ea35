export interface Flag {
  readonly key: string;
  readonly enabled: boolean;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface FlagJson {
  readonly key: string;
  readonly enabled: boolean;
  readonly description: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function toJson(flag: Flag): FlagJson {
  return {
    key: flag.key,
    enabled: flag.enabled,
    description: flag.description,
    createdAt: flag.createdAt.toISOString(),
    updatedAt: flag.updatedAt.toISOString(),
  };
}
