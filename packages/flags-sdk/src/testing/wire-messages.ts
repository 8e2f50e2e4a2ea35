import type { Flag, Segment } from '@platform/flags';

import type { DefinitionKind } from '../flag-record.js';

/** A message as it travels on the flags topic: the key and the JSON value, as text. */
export interface WireMessage {
  readonly key: string;
  readonly value: string | null;
}

/** A flag as flags-service would publish it at `version`. */
export function flagMessage(definition: Flag, version: number): WireMessage {
  return wire('flag', definition.key, version, definition);
}

export function segmentMessage(definition: Segment, version: number): WireMessage {
  return wire('segment', definition.key, version, definition);
}

/** The deletion of a key: the next version, definition null. */
export function deletionMessage(kind: DefinitionKind, key: string, version: number): WireMessage {
  return wire(kind, key, version, null);
}

/** Any key and value, JSON-encoded unless already text, as a buggy or hostile producer could write. */
export function rawMessage(key: string, value: unknown): WireMessage {
  return { key, value: typeof value === 'string' || value === null ? value : JSON.stringify(value) };
}

/** The same message as Buffers, as kafkajs hands it to the client. */
export function asBuffers(message: WireMessage): [Buffer, Buffer | null] {
  return [Buffer.from(message.key), message.value === null ? null : Buffer.from(message.value)];
}

function wire(kind: DefinitionKind, key: string, version: number, definition: Flag | Segment | null) {
  const value = { v: 1, kind, key, version, deleted: definition === null, definition };
  return { key: `${kind}:${key}`, value: JSON.stringify(value) };
}

/** A boolean flag on for `percent`% of users (by userId), optionally first for a segment's members. */
export function rolloutFlag(key: string, percent: number, options: { segment?: string } = {}): Flag {
  return {
    key,
    enabled: true,
    variants: { on: true, off: false },
    offVariant: 'off',
    rules: options.segment
      ? [{ id: 'members', conditions: [{ segment: options.segment }], serve: { variant: 'on' } }]
      : [],
    defaultRule: {
      rollout: [
        { variant: 'on', weight: percent },
        { variant: 'off', weight: 100 - percent },
      ],
    },
  };
}

/** A flag serving one fixed variant to everyone: `value` under variant `name`. */
export function fixedFlag(key: string, name: string, value: Flag['variants'][string]): Flag {
  return {
    key,
    enabled: true,
    variants: { [name]: value, off: false },
    offVariant: 'off',
    defaultRule: { variant: name },
  };
}

export function usersSegment(key: string, includedUserIds: readonly string[]): Segment {
  return { key, includedUserIds };
}
