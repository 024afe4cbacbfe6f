// Default layer names: the spec's name, or the type (numbered when repeated, Keras style: "dense",
// "dense_1"), unique within one layer list.
import type { LayerSpec } from '../spec/types.generated.js';

export function layerName(spec: LayerSpec, used: Set<string>): string {
  let name = spec.name;
  if (name === undefined) {
    const base = spec.type.replaceAll('-', '_');
    name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  }
  used.add(name);
  return name;
}
