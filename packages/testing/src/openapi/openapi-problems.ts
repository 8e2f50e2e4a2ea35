import { Validator } from '@seriousme/openapi-schema-validator';

import { operationsOf, type OpenApiLike } from './openapi-shape.js';

/**
 * What is wrong with an OpenAPI document, or nothing: checked against the OpenAPI schema of its
 * version, `$ref`s resolved (@seriousme/openapi-schema-validator), plus what that schema cannot
 * check — operation ids are unique, and each `{parameter}` in a path is declared as a path
 * parameter of each of its operations.
 */
export async function openApiProblems(document: unknown): Promise<string[]> {
  const problems: string[] = [];
  const result = await new Validator().validate(structuredClone(document) as Record<string, unknown>);
  if (!result.valid) {
    const errors = typeof result.errors === 'string' ? [result.errors] : (result.errors ?? []);
    for (const error of errors)
      problems.push(
        typeof error === 'string' ? error : `${error.instancePath || '/'} ${error.message ?? ''}`,
      );
  }
  if (typeof document !== 'object' || document === null || !('paths' in document)) return problems;

  const seen = new Set<string>();
  for (const { method, path, operation } of operationsOf(document as OpenApiLike)) {
    const id = operation.operationId;
    if (id !== undefined && seen.has(id)) problems.push(`operationId ${id} is used twice`);
    if (id !== undefined) seen.add(id);
    const declared = new Set(
      ((operation as { parameters?: { in: string; name: string }[] }).parameters ?? [])
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name),
    );
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
      if (!declared.has(name!)) problems.push(`${method.toUpperCase()} ${path} does not declare {${name}}`);
    }
  }
  return problems;
}
