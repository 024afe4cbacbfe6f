// The experiment as page state that lives in location.hash: read from the hash on load and when
// the hash changes (a pasted link), written back (replaceState, debounced) on every change.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Experiment } from '../protocol.js';
import { experimentFromHash, experimentToHash } from './hash.js';

export interface ExperimentState {
  experiment: Experiment;
  setExperiment(next: Experiment): void;
  /** Why the link could not be restored in full (a damaged link, a file left out), if so. */
  linkNotice: string | undefined;
  /** False until the hash has been read (the first render shows the default). */
  restored: boolean;
}

export function useExperiment(fallback: Experiment): ExperimentState {
  const [experiment, setExperiment] = useState(fallback);
  const [linkNotice, setLinkNotice] = useState<string | undefined>();
  const [restored, setRestored] = useState(false);
  // The hash this page wrote last, so its own writes are not read back as a new link.
  const written = useRef<string | undefined>(undefined);

  useEffect(() => {
    const restore = async () => {
      const hash = location.hash;
      if (hash === written.current) return;
      try {
        const linked = await experimentFromHash(hash);
        if (linked) {
          setExperiment(linked.experiment);
          setLinkNotice(
            linked.missingFile === undefined
              ? undefined
              : `The link names the data file "${linked.missingFile}", too big to travel in a link: drop it again to train.`,
          );
        }
      } catch (error) {
        setLinkNotice(
          `${(error as Error).message}; the page opened its default experiment instead.`,
        );
      } finally {
        setRestored(true);
      }
    };
    void restore();
    const onHashChange = () => void restore();
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => {
    if (!restored) return;
    let current = true;
    const timer = setTimeout(async () => {
      const hash = await experimentToHash(experiment);
      if (!current || hash === location.hash) return;
      written.current = hash;
      history.replaceState(history.state, '', hash);
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [experiment, restored]);

  return { experiment, setExperiment, linkNotice, restored };
}
