// A worker thread of `recurrent train --threads`: it builds the classification model on the same
// backend and trains its rows of every batch (see GradientWorkers in @recurrent/core/node).
import '../register-backends.js';
import { serveGradients } from '@recurrent/core/node';
import { classificationTrainingTarget } from '@recurrent/task-classification';

serveGradients(classificationTrainingTarget);
