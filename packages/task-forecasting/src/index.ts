// @recurrent/task-forecasting: time-series forecasting from a forecasting spec (in progress: the
// data preparation modules; the task, plug-in and registration follow).
export * from './contract.js';
export * from './forecasting-settings.js';
export * from './series-check.js';
export * from './series-transform.js';
export * from './series-windows.js';
export * from './split.js';
