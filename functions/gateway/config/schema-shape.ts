import type { z } from 'zod';

/**
 * Reads a zod schema's structure (zod 4's `_zod.def`) to say which fields a place in the config
 * accepts. Generic on purpose: a field added to the schema gets the same help without a change
 * here.
 */

type Schema = z.core.$ZodType;

interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly out?: Schema;
  readonly element?: Schema;
  readonly valueType?: Schema;
  readonly options?: readonly Schema[];
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch']);

/** The schemas a value may match: wrappers removed, unions spread. */
const alternatives = (schema: Schema): Schema[] => {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return alternatives(def.innerType);
  if (def.type === 'pipe' && def.in) {
    // `z.preprocess(fn, schema)` is a pipe from a transform into the schema that checks the
    // value: the shape to describe is that schema's. Other pipes are described by their input.
    if (defOf(def.in).type === 'transform' && def.out) return alternatives(def.out);
    return alternatives(def.in);
  }
  if (def.type === 'union' && def.options) return def.options.flatMap(alternatives);
  return [schema];
};

/** The schemas that apply at `path` below `schema` (several where a union allows several). */
export const schemasAt = (schema: Schema, path: readonly PropertyKey[]): Schema[] => {
  let current = alternatives(schema);
  for (const key of path) {
    current = current.flatMap((candidate): Schema[] => {
      const def = defOf(candidate);
      if (def.type === 'object' && def.shape && typeof key === 'string') {
        const field = def.shape[key];
        return field ? alternatives(field) : [];
      }
      if (def.type === 'array' && def.element && typeof key === 'number') {
        return alternatives(def.element);
      }
      if (def.type === 'record' && def.valueType) return alternatives(def.valueType);
      return [];
    });
  }
  return current;
};

const isOptional = (schema: Schema): boolean => {
  const type = defOf(schema).type;
  return type === 'optional' || type === 'default' || type === 'prefault';
};

/** The fields of the object schemas at `path`: required ones first. */
export const fieldsAt = (
  schema: Schema,
  path: readonly PropertyKey[],
): { required: string[]; optional: string[] } => {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const candidate of schemasAt(schema, path)) {
    const shape = defOf(candidate).shape;
    if (defOf(candidate).type !== 'object' || !shape) continue;
    for (const [name, field] of Object.entries(shape)) {
      (isOptional(field) ? optional : required).add(name);
    }
  }
  return { required: [...required], optional: [...optional] };
};

/** A short description of what `schema` accepts, for a value that matched none of a union. */
export const describeAccepted = (schema: Schema): string => {
  const def = defOf(schema);
  if (def.type === 'object' && def.shape) {
    const fields = Object.entries(def.shape).map(([name, field]) =>
      isOptional(field) ? `${name}?` : name,
    );
    return `an object { ${fields.join(', ')} }`;
  }
  const values = def.values ?? (def.entries ? Object.values(def.entries) : undefined);
  if ((def.type === 'literal' || def.type === 'enum') && values) {
    return values.map((value) => JSON.stringify(value)).join(' or ');
  }
  if (def.type === 'array' && def.element) {
    return defOf(def.element).type === 'object' ? 'a list of such objects' : 'a list';
  }
  return def.type === 'int' || def.type === 'number' ? 'a number' : `a ${def.type}`;
};
