// The model schema as codemirror-json-schema's engine (json-schema-library, drafts 4 and 7) reads
// it. Ours is JSON Schema 2020-12: definitions under `$defs`, `const` for discriminating layer and
// optimizer types. The hover engine is draft 4, which knows neither, so without this it cannot
// pick a layer's schema out of the `oneOf` and shows the whole list's description instead of the
// property's. The copy is for completion and hover only; validation stays with core (ajv, 2020-12).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function editorSchema(schema: object): Record<string, unknown> {
  return convert(schema as Json) as Record<string, unknown>;
}

function convert(value: Json): Json {
  if (Array.isArray(value)) return value.map(convert);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$defs') out.definitions = convert(child);
    else if (key === '$ref' && typeof child === 'string')
      out.$ref = child.replace(/^#\/\$defs\//, '#/definitions/');
    else if (key === 'const') {
      out.const = child;
      // Draft 4 has no `const`: the one-value enum says the same.
      if (!('enum' in value)) out.enum = [child];
    } else if (key === 'discriminator' || key === '$schema') {
      // An OpenAPI keyword ajv reads; the $schema names 2020-12, which these drafts are not.
    } else out[key] = convert(child);
  }
  return out;
}
