// Where an embedding's character-level word encoder (`characters`) may be used: it reads the model
// input "characters", which only the tagging task makes (each token's characters as written), and
// it belongs to the embedding that reads the tokens, the first layer.
import type { SpecError } from './spec-error.js';
import type { LayerSpec, ModelSpec } from './types.generated.js';

type Problem = Omit<SpecError, 'kind'>;

/** Problems with `characters` on any embedding of the spec. */
export function characterProblems(spec: ModelSpec): Problem[] {
  const lists: Array<[string, readonly LayerSpec[] | undefined]> = [
    ['/layers', spec.layers],
    ['/encoder/layers', spec.encoder?.layers],
    ['/decoder/layers', spec.decoder?.layers],
  ];
  const problems: Problem[] = [];
  for (const [at, layers] of lists) {
    layers?.forEach((layer, i) => {
      if (layer.type !== 'embedding' || !layer.characters) return;
      const pointer = `${at}/${i}/characters`;
      if (spec.task !== 'tagging') {
        problems.push({
          pointer,
          message: `a character-level word encoder is for task "tagging" (it reads each token's characters), not "${spec.task}"`,
          suggestion: 'remove "characters"',
        });
      } else if (at !== '/layers' || i !== 0) {
        problems.push({
          pointer,
          message: 'characters belongs to the embedding of the first layer, which reads the tokens',
        });
      }
    });
  }
  return problems;
}
