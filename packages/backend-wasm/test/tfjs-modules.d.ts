// tfjs-core ships this side-effect module without a matching declaration for NodeNext resolution.
declare module '@tensorflow/tfjs-core/dist/register_all_gradients';
