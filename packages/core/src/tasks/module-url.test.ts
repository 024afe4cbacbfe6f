// taskModuleUrl: the entry beside a plug-in's module, from source (.ts) and from dist (.js); the
// module itself without an entry; "" where a bundle gives no URL or reading it throws.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { taskModuleUrl } from './module-url.js';

describe('taskModuleUrl', () => {
  it('names the sibling entry, .ts from source and .js from dist', () => {
    expect(taskModuleUrl(() => 'file:///repo/packages/task-x/src/plugin.ts', 'index')).toBe(
      'file:///repo/packages/task-x/src/index.ts',
    );
    expect(taskModuleUrl(() => 'file:///repo/packages/task-x/dist/plugin.js', 'index')).toBe(
      'file:///repo/packages/task-x/dist/index.js',
    );
    expect(taskModuleUrl(() => 'https://example.org/app/assets/plugin.js?v=2', 'main')).toBe(
      'https://example.org/app/assets/main.js',
    );
  });

  it('returns the calling module itself when it is the entry', () => {
    const here = 'file:///repo/packages/task-x/src/index.ts';
    expect(taskModuleUrl(() => here)).toBe(here);
  });

  it('from a real import.meta.url (source run), names a sibling module that exists', () => {
    const sibling = taskModuleUrl(() => import.meta.url, 'module-url');
    expect(sibling).toMatch(/\/src\/tasks\/module-url\.ts$/);
    expect(existsSync(fileURLToPath(sibling))).toBe(true);
  });

  it.each([
    ['undefined (esbuild IIFE)', () => undefined],
    ['empty', () => ''],
    [
      'a read that throws (Vite in a worker: no document)',
      () => {
        throw new ReferenceError('document is not defined');
      },
    ],
  ])('is "" when the URL is %s', (_, read) => {
    expect(taskModuleUrl(read, 'index')).toBe('');
    expect(taskModuleUrl(read)).toBe('');
  });
});
