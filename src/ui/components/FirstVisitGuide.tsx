// The short guided first visit: three steps in the order the lab's story runs (a conditional
// against a marginal reward model, then a DPO policy, then answers side by side), each a link to
// its view. Dismissed once, remembered (src/store/guide.ts).
import { VIEWS } from '../../store/lab';
import { useGuide } from '../../store/guide';

const hasView = (name: string) => (VIEWS as readonly string[]).includes(name);

export function FirstVisitGuide() {
  const dismissed = useGuide((s) => s.dismissed);
  const dismiss = useGuide((s) => s.dismiss);
  if (dismissed) return null;
  const policies = hasView('policies');
  return (
    <section className="guide" aria-labelledby="guide-title" data-testid="first-visit-guide">
      <h2 id="guide-title" className="guide__title">
        New here? Three steps to start
      </h2>
      <ol className="guide__steps">
        <li>
          <a href="#/experiments">Run the “Conditional vs marginal reward model” preset</a> in Experiments: a reward model that reads the persona against one
          that does not. <a href="#/results">See its accuracy in Results</a> when it finishes.
        </li>
        <li>
          {policies ? <a href="#/policies">Train a DPO policy</a> : <span>Train a DPO policy</span>} in Policies: one model that writes for each persona.
        </li>
        <li>
          <a href="#/compare">Compare the base and the trained policy</a> for one persona, side by side, and vote on the better answer.
        </li>
      </ol>
      <button type="button" className="button button--ghost" onClick={dismiss} data-testid="guide-dismiss">
        Got it, hide this
      </button>
    </section>
  );
}
