// The zod/mini schemas as zod classic, for the OpenAPI document only (zod-to-openapi reads classic's `.meta()`, `.format`,
// `.unwrap()`): only GET /openapi.json, and the local server, carry classic.
import {
  ZodArray,
  ZodBoolean,
  ZodDefault,
  ZodDiscriminatedUnion,
  ZodEnum,
  ZodISODateTime,
  ZodLiteral,
  ZodNever,
  ZodNullable,
  ZodNumber,
  ZodObject,
  ZodOptional,
  ZodPipe,
  ZodRecord,
  ZodString,
  type ZodType,
  ZodTransform,
  ZodUnion,
  ZodUnknown,
  ZodURL,
} from 'zod';
import type * as z from 'zod/mini';

/**
 * The classic class of each zod/mini class the schemas use, by name (ZodMiniString → ZodString). Named, not
 * `import * as`, so that the bundle keeps only these (not every locale zod has). A schema of another class is an error
 * when the document is built: add its class here.
 */
const CLASSES: Record<string, new (def: never) => ZodType> = {
  ZodArray,
  ZodBoolean,
  ZodDefault,
  ZodDiscriminatedUnion,
  ZodEnum,
  ZodISODateTime,
  ZodLiteral,
  ZodNever,
  ZodNullable,
  ZodNumber,
  ZodObject,
  ZodOptional,
  ZodPipe,
  ZodRecord,
  ZodString,
  ZodTransform,
  ZodUnion,
  ZodUnknown,
  ZodURL,
};

const twins = new WeakMap<z.core.$ZodType, ZodType>();

const isSchema = (value: unknown): value is z.core.$ZodType => typeof value === 'object' && value !== null && '_zod' in value;

/** A definition's part with each schema in it (shape, options, inner type…) as its twin; its checks stay as they are. */
function twinPart(key: string, value: unknown): unknown {
  if (key === 'checks') return value;
  if (isSchema(value)) return classicTwin(value);
  if (Array.isArray(value)) return value.map((item) => (isSchema(item) ? classicTwin(item) : item));
  if (key === 'shape') return Object.fromEntries(Object.entries(value as Record<string, z.core.$ZodType>).map(([name, field]) => [name, classicTwin(field)]));
  return value;
}

/**
 * A zod/mini schema's classic twin: the classic class of the same name (ZodMiniString → ZodString) built from the same
 * definition, so the same checks, and its z.meta checks register the same metadata (description, example, id) on it.
 * It has the twin of the schema's parent (what `.check` cloned) as its parent: zod-to-openapi reads an id as a
 * component only on a schema with a parent, as classic's `.meta({id})` always made one.
 */
export function classicTwin(schema: z.core.$ZodType): ZodType {
  const known = twins.get(schema);
  if (known) return known;
  const name = schema._zod.constr.name.replace(/^ZodMini/, 'Zod');
  const Twin = CLASSES[name];
  if (!Twin) throw new Error(`The OpenAPI document cannot describe a ${schema._zod.constr.name} yet: add ${name} to CLASSES in openapi-classic.ts.`);
  const twin = new Twin(Object.fromEntries(Object.entries(schema._zod.def).map(([key, value]) => [key, twinPart(key, value)])) as never);
  if (schema._zod.parent) twin._zod.parent = classicTwin(schema._zod.parent);
  twins.set(schema, twin);
  return twin;
}
