// Verbose, so that where tfjs-node is not installed the skipped suite's title, which says why,
// shows in the output (the default reporter only counts skipped tests).
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(shared, defineConfig({ test: { reporters: ['verbose'] } }));
