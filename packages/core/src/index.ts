// @recurrent/core: the model spec (schema, types, validation). The compiler, layers, training,
// decoding and model files arrive with their issues.

export { modelSchema } from './spec/schema.generated.js';
export { formatSpecError, pointerToPath, type SpecError } from './spec/spec-error.js';
export type * from './spec/types.generated.js';
export { parseSpec, type SpecResult, validateSpec } from './spec/validate.js';
