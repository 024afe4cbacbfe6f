// tfjs-core ships this side-effect module without a matching declaration for NodeNext resolution.
declare module '@tensorflow/tfjs-core/dist/register_all_gradients';
declare module '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
