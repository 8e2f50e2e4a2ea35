import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

import type { DocumentedResponse, JsonSchema, OpenApiLike } from './openapi-shape.js';

/** An answer as a client received it. */
export interface ReceivedAnswer {
  readonly method: string;
  /** The request's path, with or without its query: `/api/users/42?x=1`. */
  readonly path: string;
  readonly status: number;
  readonly contentType?: string | null;
  /** The body's text ('' for none). */
  readonly body: string;
}

export interface AnswerCheck {
  /** The documented operation that answered: `GET /api/users/{id}`. */
  readonly operation: string;
  /** How the answer differs from what the document says; empty when it matches. */
  readonly problems: string[];
}

/**
 * Checks answers against an OpenAPI document: finds the operation for the method and path (a
 * literal path before a templated one), its response for the status (or `4XX`, or `default`), and
 * validates the body against that response's schema with ajv (JSON Schema 2020-12, formats
 * included). Schemas are compiled once per response.
 */
export class DocumentedAnswers {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<JsonSchema, ValidateFunction>();
  private readonly templates: { readonly path: string; readonly pattern: RegExp; readonly params: number }[];

  constructor(private readonly document: OpenApiLike) {
    addFormats.default(this.ajv);
    this.templates = Object.keys(document.paths)
      .map((path) => ({
        path,
        pattern: new RegExp(
          `^${path
            .split(/\{[^}]+\}/)
            .map(escape)
            .join('[^/]+')}$`,
        ),
        params: (path.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** How `answer` compares with the document; undefined when no documented path matches its path. */
  check(answer: ReceivedAnswer): AnswerCheck | undefined {
    const path = answer.path.split('?')[0]!;
    const template = this.templates.find((candidate) => candidate.pattern.test(path));
    if (!template) return undefined;
    const method = answer.method.toLowerCase();
    const name = `${answer.method.toUpperCase()} ${template.path}`;
    const operation = this.document.paths[template.path]?.[method];
    if (!operation) return { operation: name, problems: [`${name} is not documented`] };
    const responses = operation.responses ?? {};
    const status = String(answer.status);
    const response = responses[status] ?? responses[`${status[0]}XX`] ?? responses['default'];
    if (!response) return { operation: name, problems: [`${name} does not document status ${status}`] };
    return { operation: name, problems: this.bodyProblems(response, answer) };
  }

  private bodyProblems(response: DocumentedResponse, answer: ReceivedAnswer): string[] {
    const content = response.content;
    if (!content) return answer.body === '' ? [] : [`status ${answer.status} is documented without a body`];
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const documented = content[mediaType];
    if (!documented)
      return [`answered ${mediaType || 'no content type'}; documented: ${Object.keys(content).join(', ')}`];
    if (!documented.schema) return [];
    let value: unknown = answer.body;
    if (mediaType.endsWith('json')) {
      try {
        value = JSON.parse(answer.body);
      } catch {
        return ['the body is not JSON'];
      }
    }
    const validate = this.validator(documented.schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `body${error.instancePath} ${error.message ?? 'is invalid'}`,
    );
  }

  /** The schema compiled with the document's components beside it, so its `$ref`s resolve. */
  private validator(schema: JsonSchema): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile({ ...schema, components: this.document.components ?? {} });
      this.compiled.set(schema, validate);
    }
    return validate;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
}
