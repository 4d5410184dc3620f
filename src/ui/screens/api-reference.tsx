// The API reference (#/reference): every endpoint of the OpenAPI document with its method,
// access, parameters, request and response schemas and error codes, rendered from the OpenAPI
// document that /api/v1/openapi.json serves (api-reference-screen.tsx fetches it).
import type { ReactNode } from 'react';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: Schema | boolean;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  description?: string;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiLike {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation> | undefined>;
}

function bounds(s: Schema): string {
  const b: string[] = [];
  if (s.format) b.push(s.format);
  if (s.minLength !== undefined || s.maxLength !== undefined) b.push(`length ${s.minLength ?? 0}..${s.maxLength ?? '∞'}`);
  if (s.minimum !== undefined || s.maximum !== undefined) b.push(`${s.minimum ?? '−∞'}..${s.maximum ?? '∞'}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) b.push(`${s.minItems ?? 0}..${s.maxItems ?? '∞'} items`);
  if (s.default !== undefined) b.push(`default ${JSON.stringify(s.default)}`);
  return b.length ? ` (${b.join(', ')})` : '';
}

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' | ');
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'any JSON';
}

function SchemaView({ schema, depth = 0 }: { readonly schema: Schema; readonly depth?: number }): ReactNode {
  const target = schema.type === 'array' && schema.items ? schema.items : schema;
  const props = target.properties;
  if (!props || depth > 6) return <code>{typeOf(schema) + bounds(schema)}</code>;
  return (
    <>
      {schema.type === 'array' && <code>array{bounds(schema)} of</code>}
      <ul className="schema">
        {Object.entries(props).map(([name, p]) => (
          <li key={name}>
            <code>
              {name}
              {target.required?.includes(name) ? '' : '?'}
            </code>
            : {p.properties || p.items?.properties ? <SchemaView schema={p} depth={depth + 1} /> : <code>{typeOf(p) + bounds(p)}</code>}
            {p.description && <span className="muted"> — {p.description}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}

function jsonSchemaOf(content: Record<string, { schema?: Schema }> | undefined): Schema | undefined {
  return content?.['application/json']?.schema;
}

function errorCodes(schema: Schema | undefined): string[] | null {
  const code = schema?.properties?.error?.properties?.code;
  return code?.enum ? code.enum.map(String) : null;
}

function OperationView({ method, path, op }: { readonly method: string; readonly path: string; readonly op: Operation }) {
  const body = jsonSchemaOf(op.requestBody?.content);
  return (
    <section className="section" id={op.operationId} tabIndex={-1} data-testid="api-operation" data-method={method.toUpperCase()} data-path={path}>
      <h2>
        <span className={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h2>
      {op.summary && <p>{op.summary}</p>}
      {op.description && <p className="muted">{op.description}</p>}
      {op.parameters && op.parameters.length > 0 && (
        <>
          <h3>Parameters</h3>
          <ul className="schema">
            {op.parameters.map((p) => (
              <li key={`${p.in}:${p.name}`}>
                <code>
                  {p.name}
                  {p.required ? '' : '?'}
                </code>{' '}
                <span className="muted">in {p.in}</span>: <code>{p.schema ? typeOf(p.schema) + bounds(p.schema) : 'string'}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {body && (
        <>
          <h3>Request body (JSON)</h3>
          <SchemaView schema={body} />
        </>
      )}
      <h3>Responses</h3>
      <dl className="responses">
        {Object.entries(op.responses ?? {}).map(([status, r]) => {
          const schema = jsonSchemaOf(r.content);
          const codes = errorCodes(schema);
          return (
            <div key={status}>
              <dt>
                <strong>{status}</strong> {codes ? codes.map((c) => <code key={c}>{c} </code>) : r.description}
              </dt>
              <dd>{!codes && schema && <SchemaView schema={schema} />}</dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

export function ApiReference({ document }: { readonly document: OpenApiLike }) {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, ops]) => Object.entries(ops ?? {}).map(([method, op]) => ({ path, method, op })));
  return (
    <div className="reference">
      <section className="section">
        <h1>
          {document.info.title} reference, version {document.info.version}
        </h1>
        {document.info.description && <p>{document.info.description}</p>}
        <p className="muted">
          Every endpoint but health, login and this document needs <code>Authorization: Bearer &lt;token&gt;</code>. Error answers share one body:{' '}
          <code>{'{"error": {"code", "message", "details"?}}'}</code>; each response below lists its codes. The machine-readable document:{' '}
          <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. <a href="#/">Back to the app</a>
        </p>
        <nav aria-label="Endpoints">
          <ul className="schema">
            {operations.map(({ path, method, op }) => (
              <li key={`${method} ${path}`}>
                <a href={`#/reference?op=${op.operationId ?? ''}`}>
                  {method.toUpperCase()} {path}
                </a>{' '}
                <span className="muted">{op.summary}</span>
              </li>
            ))}
          </ul>
        </nav>
      </section>
      {operations.map(({ path, method, op }) => (
        <OperationView key={`${method} ${path}`} method={method} path={path} op={op} />
      ))}
    </div>
  );
}
