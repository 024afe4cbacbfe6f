// The quickstart demo: trains the small sentiment model (specs/examples/sentiment-small.json) on the
// UCI review sentences shipped in ./data, on the default backend, with the CLI a user would run;
// then measures it on movie reviews it never saw and classifies a few sentences.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const root = join(here, '../..');
const cli = join(root, 'packages/cli/bin/recurrent.js');
const work = join(here, '.demo');
mkdirSync(work, { recursive: true });

// Training data: the amazon and yelp sentences (a seeded tenth is held out for validation).
const train = join(work, 'amazon-yelp.tsv');
writeFileSync(
  train,
  ['amazon_cells_labelled.txt', 'yelp_labelled.txt']
    .map((f) => readFileSync(join(here, 'data', f), 'utf8'))
    .join(''),
);

function recurrent(...args) {
  console.log(
    `\n$ recurrent ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`,
  );
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const model = join(work, 'model');
recurrent(
  'train',
  join(root, 'specs/examples/sentiment-small.json'),
  '--data',
  train,
  '--out',
  model,
);
recurrent('eval', model, '--data', join(here, 'data/imdb_labelled.txt'));
recurrent(
  'predict',
  model,
  'The battery lasts all day and the screen is gorgeous.',
  'Worst customer service I have ever had.',
  'The plot was predictable but the acting was wonderful.',
);
