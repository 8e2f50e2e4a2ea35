/**
 * The parts of an OpenAPI 3.1 document these helpers read. (The service kit, which writes the
 * documents, is not a dependency here: it is tested with this package.)
 */
export type JsonSchema = Record<string, unknown>;

export interface DocumentedResponse {
  readonly description?: string;
  readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>>;
}

export interface DocumentedOperation {
  readonly operationId?: string;
  readonly responses?: Readonly<Record<string, DocumentedResponse>>;
}

export interface OpenApiLike {
  readonly paths: Readonly<Record<string, Readonly<Record<string, DocumentedOperation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

/** The methods an OpenAPI path item may hold operations for. */
export const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation of the document, with its method and path. */
export function operationsOf(
  document: OpenApiLike,
): { readonly method: string; readonly path: string; readonly operation: DocumentedOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => OPERATION_METHODS.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}
