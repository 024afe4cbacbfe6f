// The hover text of a schema node: its description, then its type in one line ("integer ≥ 1,
// default 10"; "one of "adam", "sgd""). The library's own wording reads "enum: or gru" for a
// one-value enum and leaves defaults and bounds out.

interface SchemaNode {
  description?: string;
  title?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: unknown[];
  anyOf?: unknown[];
}

export function hoverTexts(schema: SchemaNode): { message: string; typeInfo: string } {
  const parts: string[] = [];
  if (schema.const !== undefined) parts.push(JSON.stringify(schema.const));
  else if (schema.enum?.length === 1) parts.push(JSON.stringify(schema.enum[0]));
  else if (schema.enum)
    parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  else if (schema.type) {
    let type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type;
    if (schema.minimum !== undefined) type += ` ≥ ${schema.minimum}`;
    if (schema.exclusiveMinimum !== undefined) type += ` > ${schema.exclusiveMinimum}`;
    if (schema.maximum !== undefined) type += ` ≤ ${schema.maximum}`;
    if (schema.exclusiveMaximum !== undefined) type += ` < ${schema.exclusiveMaximum}`;
    parts.push(type);
  } else if (schema.oneOf || schema.anyOf) parts.push('one of several forms');
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return {
    // Markdown: keep the schema's prose as it is.
    message: schema.description ?? schema.title ?? '',
    typeInfo: parts.length > 0 ? `\`${parts.join(', ')}\`` : '',
  };
}
