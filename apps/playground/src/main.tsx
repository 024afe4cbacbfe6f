// The page's entry: mounts the app.
import { render } from 'preact';
import { App } from './app.js';
import './app.css';

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element to mount the playground in');
render(<App />, root);
