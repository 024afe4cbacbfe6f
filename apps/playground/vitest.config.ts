// Unit tests of the playground that run in Node (state, editor diagnostics, examples). The
// browser tests live in e2e/ with their own config.
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      environment: 'node',
      // Its ESM build imports files without extensions, which Node cannot resolve: let Vite
      // transform it.
      server: { deps: { inline: ['codemirror-json-schema'] } },
    },
  }),
);
