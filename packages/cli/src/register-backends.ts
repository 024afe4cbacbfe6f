// Importing a backend package registers its plug-in (its heavy parts load when it is first used),
// so every backend can be listed and chosen with --backend, here and in worker threads.
import '@recurrent/backend-cpu';
import '@recurrent/backend-node';
import '@recurrent/backend-wasm';
import '@recurrent/backend-webgpu';
