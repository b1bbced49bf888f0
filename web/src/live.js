// The live feed of one exercise: its history from GET …/events, then the
// Server-Sent Events stream from where the history ended.  The browser's
// EventSource reconnects by itself and sends Last-Event-ID, so nothing is
// lost and nothing comes twice; should it give up, we open a new stream
// after the last id we have.  Screens subscribe with useLive(x) and refetch
// what they show when something happens (useLiveData).

import { useEffect, useRef, useState } from './lib.js';
import { get } from './api.js';

const TYPES = [
  'exercise.started', 'exercise.ended', 'clock.paused', 'clock.resumed',
  'clock.speed', 'clock.jumped', 'inject.released', 'inject.held',
  'inject.cancelled', 'expectation.met', 'expectation.missed',
  'expectation.late', 'action', 'document.issued', 'state.changed',
  'transition.refused', 'activity.started', 'activity.ended', 'observation',
];
const KEEP = 3000;

class LiveFeed {
  constructor(x) {
    this.x = x;
    this.events = [];
    this.lastId = 0;
    this.status = 'connecting';
    this.subs = new Set();
    this.es = null;
    this.timer = null;
    this.closed = false;
    this.start();
  }

  async start() {
    try {
      for (;;) {
        const page = await get(`/api/exercises/${this.x}/events?after=${this.lastId}&limit=1000`);
        for (const e of page.events) this.push(e, false);
        this.lastId = Math.max(this.lastId, page.next);
        if (page.next >= page.last) break;
      }
    } catch (e) {
      this.setStatus('offline');
      this.timer = setTimeout(() => this.start(), 3000);
      return;
    }
    this.notify(null);
    this.open();
  }

  open() {
    if (this.closed) return;
    const es = new EventSource(`/api/exercises/${this.x}/stream?after=${this.lastId}`);
    this.es = es;
    es.onopen = () => this.setStatus('live');
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        this.setStatus('offline');
        this.reopen(3000);
      } else {
        this.setStatus('reconnecting');
      }
    };
    for (const type of TYPES) {
      es.addEventListener(type, (m) => {
        let data;
        try { data = JSON.parse(m.data); } catch (e) { return; }
        if (data.id <= this.lastId) return;   // already have it
        this.lastId = data.id;
        this.push(data, true);
      });
    }
  }

  reopen(delay) {
    if (this.es) this.es.close();
    this.es = null;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }

  // For tests and for the operator: drop the connection now; it comes
  // back after the given delay and catches up.
  drop(delay = 1000) {
    this.setStatus('reconnecting');
    this.reopen(delay);
  }

  push(e, live) {
    this.events.push(e);
    if (this.events.length > KEEP) this.events.splice(0, this.events.length - KEEP);
    if (live) this.notify(e);
  }

  setStatus(s) {
    if (this.status === s) return;
    this.status = s;
    this.notify(null);
  }

  notify(e) { this.subs.forEach((f) => f(e)); }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.es) this.es.close();
  }
}

let current = null;

// The feed of exercise x, shared by every component of the page.
export function useLive(x) {
  const [, setTick] = useState(0);
  const lastEvent = useRef(null);
  useEffect(() => {
    if (!current || current.x !== x) {
      if (current) current.close();
      current = new LiveFeed(x);
      window.kvptLive = current;
    }
    const feed = current;
    const f = (e) => { if (e) lastEvent.current = e; setTick((n) => n + 1); };
    feed.subs.add(f);
    return () => feed.subs.delete(f);
  }, [x]);
  const feed = current && current.x === x ? current : null;
  return {
    status: feed ? feed.status : 'connecting',
    events: feed ? feed.events : [],
    lastId: feed ? feed.lastId : 0,
    last: lastEvent.current,
  };
}

// Data from fetcher(), fetched again (at most every 200 ms) whenever the
// feed moves.  Returns [data, error, reload].
export function useLiveData(live, fetcher, deps = []) {
  const [state, setState] = useState({ data: null, error: null });
  const pending = useRef(null);
  const load = () => {
    fetcher().then((data) => setState({ data, error: null }),
                   (error) => setState((s) => ({ data: s.data, error })));
  };
  useEffect(load, deps);
  useEffect(() => {
    if (!live.lastId) return undefined;
    clearTimeout(pending.current);
    pending.current = setTimeout(load, 200);
    return () => clearTimeout(pending.current);
  }, [live.lastId, ...deps]);
  return [state.data, state.error, load];
}
