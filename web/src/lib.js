// The UI's only door to Preact and htm (installed from npm at build time,
// served from /static/vendor): screens import html and the hooks from here.
import { h, render, Fragment } from './vendor/preact.mjs';
import htm from './vendor/htm.mjs';

export { h, render, Fragment };
export {
  useState, useEffect, useMemo, useRef, useCallback, useReducer,
} from './vendor/preact-hooks.mjs';
export const html = htm.bind(h);
