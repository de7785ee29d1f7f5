// Checks a value against a schema of the served OpenAPI document (the JSON Schema subset it uses): what a test reads as
// "the real answer matches what /openapi.json declares".

type Schema = Record<string, any>;

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

const hasType = (value: unknown, type: string): boolean => {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
};

/** Where `value` departs from `schema` (following $ref into doc.components): one line per problem, none when it fits. */
export function schemaProblems(doc: any, schema: Schema | undefined, value: unknown, at = 'body'): string[] {
  if (!schema) return [];
  if (schema.$ref) return schemaProblems(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!], value, at);
  if (schema.oneOf || schema.anyOf) {
    const options: Schema[] = schema.oneOf ?? schema.anyOf;
    const results = options.map((option) => schemaProblems(doc, option, value, at));
    const fitting = results.filter((result) => result.length === 0).length;
    if (schema.oneOf && fitting > 1) return [`${at}: fits ${fitting} of its oneOf options, not exactly one`];
    if (fitting === 0) return [`${at}: fits none of its ${schema.oneOf ? 'oneOf' : 'anyOf'} options (${results.map((result) => result[0]).join('; ')})`];
  }
  if (schema.allOf) {
    const problems = (schema.allOf as Schema[]).flatMap((part) => schemaProblems(doc, part, value, at));
    if (problems.length) return problems;
  }
  const types: string[] | undefined = schema.type === undefined ? undefined : [schema.type].flat();
  if (types && !types.some((type) => hasType(value, type))) return [`${at}: is ${typeOf(value)}, declared ${types.join(' | ')}`];
  if (schema.enum && !schema.enum.some((allowed: unknown) => allowed === value))
    return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`];
  if (schema.const !== undefined && schema.const !== value) return [`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`];
  if (Array.isArray(value)) return value.flatMap((item, index) => schemaProblems(doc, schema.items, item, `${at}[${index}]`));
  if (typeOf(value) !== 'object') return [];
  const record = value as Record<string, unknown>;
  const properties: Record<string, Schema> = schema.properties ?? {};
  const problems: string[] = (schema.required ?? []).filter((key: string) => !(key in record)).map((key: string) => `${at}.${key}: missing`);
  for (const [key, field] of Object.entries(record)) {
    if (properties[key]) problems.push(...schemaProblems(doc, properties[key], field, `${at}.${key}`));
    else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not declared`);
    else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(doc, schema.additionalProperties, field, `${at}.${key}`));
  }
  return problems;
}

/** The schema an operation declares for the JSON body of a status; undefined when it declares none. */
export function declaredSchema(doc: any, method: string, path: string, status: number): Schema | undefined {
  return doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']?.schema;
}
