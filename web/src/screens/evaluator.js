// Evaluator screen: being written (see the issue); replaced by the real screen.
import { html } from '../lib.js';

export function Evaluator() {
  return html`<p>Evaluator</p>`;
}
