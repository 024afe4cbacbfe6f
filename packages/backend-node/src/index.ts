// @recurrent/backend-node: plug-in in progress (backends issue).
export {};
