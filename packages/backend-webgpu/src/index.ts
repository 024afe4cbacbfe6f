// @recurrent/backend-webgpu: plug-in in progress (backends issue).
export {};
