// tfjs-core ships these side-effect modules without declarations for NodeNext resolution.
declare module '@tensorflow/tfjs-core/dist/register_all_gradients';
declare module '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
