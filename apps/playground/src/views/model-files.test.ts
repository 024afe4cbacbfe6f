// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { pickModelFiles } from './model-files.js';

const file = (path: string) => ({
  name: path.slice(path.lastIndexOf('/') + 1),
  webkitRelativePath: path.includes('/') ? path : '',
});

describe('pickModelFiles', () => {
  it('takes the two files picked on their own', () => {
    const picked = pickModelFiles([file('weights.safetensors'), file('model.json')]);
    expect(picked).toMatchObject({
      ok: true,
      model: { name: 'model.json' },
      weights: { name: 'weights.safetensors' },
    });
  });

  it('takes the pair at the top of a run folder over copies deeper down', () => {
    const picked = pickModelFiles([
      file('run/checkpoints/epoch-3/model.json'),
      file('run/checkpoints/epoch-3/weights.safetensors'),
      file('run/train.log.jsonl'),
      file('run/model.json'),
      file('run/weights.safetensors'),
    ]);
    expect(picked.ok && picked.model.webkitRelativePath).toBe('run/model.json');
    expect(picked.ok && picked.weights.webkitRelativePath).toBe('run/weights.safetensors');
  });

  it('says which file is missing and what was picked', () => {
    const picked = pickModelFiles([file('run/model.json'), file('run/notes.txt')]);
    expect(picked.ok).toBe(false);
    if (!picked.ok) {
      expect(picked.message).toContain('weights.safetensors is missing');
      expect(picked.message).toContain('run/model.json, run/notes.txt');
    }
  });

  it('refuses two files from different folders', () => {
    const picked = pickModelFiles([file('a/model.json'), file('b/weights.safetensors')]);
    expect(picked.ok).toBe(false);
    if (!picked.ok) expect(picked.message).toContain('not in the same folder');
  });
});
