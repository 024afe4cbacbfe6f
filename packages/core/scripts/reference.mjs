// Renders the spec reference (specs/REFERENCE.md) from the schema's titles, types, defaults and
// descriptions, so the docs cannot drift from what the validator accepts.

function refName(ref) {
  return ref.replace('#/$defs/', '');
}

function typeOf(schema, defs) {
  if (schema === false) return 'not allowed';
  if (schema.$ref) {
    const target = defs[refName(schema.$ref)];
    return target.title
      ? `[${target.title}](#${target.title.toLowerCase()})`
      : typeOf(target, defs);
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, defs)).join(' or ');
  if (schema.oneOf) return schema.oneOf.map((s) => typeOf(s, defs)).join(' \\| ');
  if (schema.type === 'array') {
    if (schema.prefixItems) return `[${schema.prefixItems.map((s) => typeOf(s, defs)).join(', ')}]`;
    return `array of ${typeOf(schema.items ?? {}, defs)}`;
  }
  const types = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  const limits = [];
  if (schema.minimum !== undefined) limits.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) limits.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) limits.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) limits.push(`< ${schema.exclusiveMaximum}`);
  return limits.length > 0 ? `${types} (${limits.join(', ')})` : types;
}

function describe(schema, defs) {
  const own = schema.description ?? '';
  if (own || !schema.$ref) return own;
  return defs[refName(schema.$ref)].description ?? '';
}

function table(schema, defs) {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([name, sub]) => {
    const dflt =
      sub.default !== undefined
        ? `\`${JSON.stringify(sub.default)}\``
        : required.has(name)
          ? '**required**'
          : '';
    const text = describe(sub, defs).replaceAll('|', '\\|').replaceAll('\n', ' ');
    return `| \`${name}\` | ${typeOf(sub, defs)} | ${dflt} | ${text} |`;
  });
  return ['| property | type | default | description |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

export function renderReference(schema) {
  const defs = schema.$defs;
  const parts = [
    '# Model spec reference',
    '',
    '<!-- Generated from specs/model.schema.json by `pnpm codegen`. Do not edit. -->',
    '',
    schema.description,
    '',
    `Schema: \`${schema.$id}\` (JSON Schema 2020-12), shipped as \`@recurrent/core/schema.json\`.`,
    '',
    `## ${schema.title}`,
    '',
    table(schema, defs),
  ];
  for (const def of Object.values(defs)) {
    if (!def.title) continue;
    parts.push('', `## ${def.title}`, '');
    if (def.description) parts.push(def.description, '');
    if (def.oneOf) parts.push(`One of: ${def.oneOf.map((s) => typeOf(s, defs)).join(', ')}.`);
    else if (def.properties) parts.push(table(def, defs));
    else parts.push(`Type: ${typeOf(def, defs)}.`);
  }
  return `${parts.join('\n')}\n`;
}
