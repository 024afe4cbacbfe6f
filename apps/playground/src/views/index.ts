// The playground's views. app.tsx composes them; each takes the client and the values and
// callbacks it needs (see README.md here for the props and the data-testid of every control).
import './views.css';

export { BackendPicker, type BackendPickerProps } from './BackendPicker.js';
export { DataPanel, type DataPanelProps } from './DataPanel.js';
export { datasetIndex, dataText } from './data.js';
export { ModelFilesPanel, type ModelFilesPanelProps } from './ModelFilesPanel.js';
export { TrainPanel, type TrainPanelProps } from './TrainPanel.js';
export { TryPanel, type TryPanelProps } from './TryPanel.js';
