import { z } from 'zod';

import type { JsonSchema } from './openapi-document.js';

/** Where an OpenAPI document keeps named schemas. */
export const COMPONENT_SCHEMAS = '#/components/schemas/';

export interface ConvertedSchema {
  readonly schema: JsonSchema;
  /** Named schemas (`.meta({ id })`) it refers to, for the document's `components.schemas`. */
  readonly named: Readonly<Record<string, JsonSchema>>;
}

/**
 * A zod schema as JSON Schema for an OpenAPI 3.1 document, with zod 4's own `z.toJSONSchema`.
 * `input` describes what a client sends (before transforms, defaults not required); `output` what
 * a service answers (an object lists every field it has: `additionalProperties: false` unless the
 * schema is loose). What JSON Schema cannot say (a bigint, a refinement) is left open rather than
 * refused. A schema named with `.meta({ id: 'User' })` becomes a `$ref` to
 * `#/components/schemas/User`; an unnamed recursive one cannot be placed in a document and throws.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): ConvertedSchema {
  const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, $defs, ...root } = converted;
  const named = Object.fromEntries(
    Object.entries(($defs ?? {}) as Record<string, JsonSchema>).map(([id, def]) => [
      id,
      toComponentRefs(def),
    ]),
  );
  return { schema: toComponentRefs(root), named };
}

/** A copy of `schema` whose `$ref`s point into the document's components rather than `$defs`. */
function toComponentRefs(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key !== '$ref' || typeof value !== 'string') return value;
    if (value.startsWith('#/$defs/')) return `${COMPONENT_SCHEMAS}${value.slice('#/$defs/'.length)}`;
    throw new Error(
      `a recursive schema refers to itself (${value}); name it with .meta({ id: '…' }) to document it`,
    );
  }) as JsonSchema;
}
