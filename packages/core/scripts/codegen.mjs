// Generates everything derived from specs/model.schema.json, the single source of truth:
//   packages/core/schema.json            the schema as shipped (`@recurrent/core/schema.json`)
//   src/spec/schema.generated.ts         the schema as a module, for ajv at run time
//   src/spec/types.generated.ts          ModelSpecInput (what users write) and ModelSpec (defaults applied)
//   specs/REFERENCE.md                   the spec reference for people
// `--check` regenerates in memory and fails if any checked-in file differs (run in CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import { renderReference } from './reference.mjs';

const coreDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(coreDir, '../..');
const schemaPath = join(repoDir, 'specs/model.schema.json');
const schemaText = readFileSync(schemaPath, 'utf8');
const schema = JSON.parse(schemaText);
const banner = '// Generated from specs/model.schema.json by `pnpm codegen`. Do not edit.\n';

/** Deep copy of the schema where every property with a default becomes required (ajv fills it in). */
function withDefaultsRequired(node) {
  if (Array.isArray(node)) return node.map(withDefaultsRequired);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = withDefaultsRequired(value);
  if (out.properties && typeof out.properties === 'object') {
    const defaulted = Object.entries(out.properties)
      .filter(([, sub]) => sub && typeof sub === 'object' && 'default' in sub)
      .map(([name]) => name);
    if (defaulted.length > 0) out.required = [...new Set([...(out.required ?? []), ...defaulted])];
  }
  return out;
}

/** Deep copy where every `title` gets a suffix, so both variants can live in one file. */
function withTitleSuffix(node, suffix) {
  if (Array.isArray(node)) return node.map((n) => withTitleSuffix(n, suffix));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'title' && typeof value === 'string'
        ? value + suffix
        : withTitleSuffix(value, suffix);
  }
  return out;
}

/**
 * Deep copy without validation-only conditionals (if/then/else), which json-schema-to-typescript
 * would turn into open index signatures, and with 2020-12 `prefixItems` tuples in the draft-07
 * `items` form that the generator understands.
 */
function forTypeGeneration(node) {
  if (Array.isArray(node)) return node.map(forTypeGeneration);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'if' || key === 'then' || key === 'else') continue;
    if (key === 'allOf' && value.every((part) => 'if' in part)) continue;
    if (key === 'prefixItems') out.items = forTypeGeneration(value);
    else out[key] = forTypeGeneration(value);
  }
  return out;
}

async function typesFor(variant, name) {
  // json-schema-to-typescript does not know the OpenAPI `discriminator` keyword; it is harmless.
  return compile(forTypeGeneration(variant), name, {
    bannerComment: '',
    additionalProperties: false,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 100 },
  });
}

/** Copy where every $defs entry has a title, so each generated type has a stable, suffixable name. */
function withDefTitles(root) {
  const pascal = (key) => key[0].toUpperCase() + key.slice(1);
  const defs = Object.fromEntries(
    Object.entries(root.$defs).map(([key, def]) => [key, { title: pascal(key), ...def }]),
  );
  return { ...root, $defs: defs };
}

const titled = withDefTitles(schema);
const resolvedTypes = await typesFor(withDefaultsRequired(titled), 'ModelSpec');
const inputTypes = await typesFor(withTitleSuffix(titled, 'Input'), 'ModelSpecInput');

const outputs = new Map([
  [join(coreDir, 'schema.json'), schemaText],
  [
    join(coreDir, 'src/spec/schema.generated.ts'),
    `${banner}\n/** The model-spec JSON Schema (2020-12), as in specs/model.schema.json. */\nexport const modelSchema: Record<string, unknown> = ${JSON.stringify(schema, null, 2)};\n`,
  ],
  [
    join(coreDir, 'src/spec/types.generated.ts'),
    `${banner}\n// ModelSpec: a validated spec, every default filled in.\n\n${resolvedTypes}\n// ModelSpecInput: a spec as users write it (defaults optional).\n\n${inputTypes}`,
  ],
  [join(repoDir, 'specs/REFERENCE.md'), renderReference(schema)],
]);

const check = process.argv.includes('--check');
const stale = [];
for (const [path, text] of outputs) {
  let current = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (current === text) continue;
  if (check) stale.push(relative(repoDir, path));
  else writeFileSync(path, text);
}
if (stale.length > 0) {
  console.error(
    `Out of date with specs/model.schema.json: ${stale.join(', ')}\nRun \`pnpm codegen\` and commit the result.`,
  );
  process.exit(1);
}
console.log(check ? 'codegen: generated files are up to date' : 'codegen: wrote generated files');
