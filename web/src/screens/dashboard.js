// The steering committee's dashboard (bảng theo dõi của BCĐ), made for a
// 1920×1080 wall screen and still usable on a laptop: the clocks, the
// progress of each phase, the state ladders of the bodies, the expectation
// counts and a map of the plan's places drawn with military symbols.  The
// map has no tiles (nothing comes from the internet): a plain background,
// a coordinate grid and the places fitted to their bounds.

import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import { get } from '../api.js';
import { fmtEx, tr, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { Clocks, ErrorBox, Loading, exerciseNow, shortName, useNow } from '../ui.js';
import * as L from '../vendor/leaflet.mjs';

const T = {
  vi: {
    title: 'Bảng theo dõi của Ban Chỉ đạo',
    phases: 'Tiến trình các giai đoạn', phase_n: 'Giai đoạn {0}',
    not_started: 'Chưa bắt đầu', under_way: 'Đang diễn ra', done: 'Đã kết thúc',
    time_share: 'Thời gian', acts_share: 'Hoạt động',
    acts: '{0}/{1} đã xong', acts_running: '{0} đang diễn ra', no_acts: 'không có hoạt động',
    ladders: 'Trạng thái của các cơ quan, đơn vị', ladder_count: '{0} cơ quan',
    no_states: 'Kế hoạch không có trạng thái nào để theo dõi.',
    expectations: 'Thực hiện yêu cầu', exp_total: 'Đã phát {0}/{1} yêu cầu',
    c_met: 'Đạt', c_late: 'Trễ hạn', c_missed: 'Quá hạn', c_open: 'Đang chờ',
    map: 'Sơ đồ vị trí', map_hint: 'Sơ đồ không có nền bản đồ; vị trí theo tọa độ của kế hoạch.',
    no_coords: 'Kế hoạch không có vị trí nào có tọa độ nên không vẽ sơ đồ.',
    legend: 'Chú giải', active: 'Đang có hoạt động',
    k_hq: 'Sở chỉ huy, trụ sở (ta)', k_police: 'Sở chỉ huy công an (ta)',
    k_base: 'Căn cứ chiến đấu', k_assembly: 'Khu vực tập kết lực lượng',
    k_dispersal: 'Khu vực sơ tán, phân tán', k_ad: 'Trận địa phòng không (ta)',
    k_protect: 'Mục tiêu bảo vệ', k_hostile: 'Mục tiêu, hướng địch',
    k_unknown: 'Mục tiêu, điểm nóng (chưa xác định)', k_medical: 'Y tế, cứu thương',
    k_supply: 'Hậu cần, bảo đảm', k_civil: 'Khu dân cư, địa điểm khác',
    places_n: '{0} vị trí',
  },
  en: {
    title: "Steering committee's dashboard",
    phases: 'Phases', phase_n: 'Phase {0}',
    not_started: 'Not started', under_way: 'Under way', done: 'Over',
    time_share: 'Time', acts_share: 'Activities',
    acts: '{0}/{1} done', acts_running: '{0} under way', no_acts: 'no activity',
    ladders: 'States of the bodies', ladder_count: '{0} bodies',
    no_states: 'The plan has no state to follow.',
    expectations: 'Expectations', exp_total: '{0} of {1} released',
    c_met: 'Met', c_late: 'Late', c_missed: 'Missed', c_open: 'Open',
    map: 'Places', map_hint: 'No background map; places from the plan\u2019s coordinates.',
    no_coords: 'No place of the plan has coordinates, so there is no map.',
    legend: 'Legend', active: 'Activity under way',
    k_hq: 'Command post, seat (friendly)', k_police: 'Police command post (friendly)',
    k_base: 'Combat base', k_assembly: 'Assembly area',
    k_dispersal: 'Dispersal / evacuation area', k_ad: 'Air defence position (friendly)',
    k_protect: 'Site to protect', k_hostile: 'Target, enemy axis',
    k_unknown: 'Target, hot spot (unknown)', k_medical: 'Medical',
    k_supply: 'Logistics', k_civil: 'Residential or other site',
    places_n: '{0} places',
  },
};

const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const clamp01 = (v) => Math.max(0, Math.min(1, v));

// ---------------------------------------------------------------- phases

function PhaseProgress({ ex, acts, now }) {
  const phases = ex.phases || [];
  return html`<section class="dash-panel dash-phases" data-testid="phase-progress" aria-labelledby="dash-phases-h">
    <h2 id="dash-phases-h">${tr(T, 'phases')}</h2>
    <ol class="phase-list">
      ${phases.map((ph, i) => {
        const span = Math.max(1, ph.end - ph.start);
        const started = ex.clock && ex.clock.started;
        const share = now === null || !started ? 0 : clamp01((now - ph.start) / span);
        const mine = (acts || []).filter((a) => a.phase === ph.id);
        const done = mine.filter((a) => a.status === 'ended' || a.status === 'released').length;
        const running = mine.filter((a) => a.status === 'started').length;
        const state = !started || now < ph.start ? 'not_started' : now >= ph.end ? 'done' : 'under_way';
        const pct = Math.round(share * 100);
        const doneP = mine.length ? (done / mine.length) * 100 : 0;
        const runP = mine.length ? (running / mine.length) * 100 : 0;
        return html`<li class=${'phase ph-' + state} key=${ph.id} data-testid="phase" data-phase=${ph.id}
            data-progress=${pct} data-done=${done} data-total=${mine.length}>
          <div class="ph-head">
            <span class="ph-n">${tr(T, 'phase_n', i + 1)}</span>
            <span class="ph-title" title=${ph.title}>${ph.title}</span>
            <span class="ph-window">${fmtEx(ph.start)} → ${fmtEx(ph.end)}</span>
            <span class=${'ph-state s-' + state}>${tr(T, state)}</span>
          </div>
          <div class="ph-bars">
            <div class="bar-row">
              <span class="bar-label">${tr(T, 'time_share')}</span>
              <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}
                   aria-label=${tr(T, 'phase_n', i + 1) + ' — ' + tr(T, 'time_share')}>
                <div class="fill time" style=${'width:' + pct + '%'}></div></div>
              <span class="bar-num">${pct}%</span>
            </div>
            <div class="bar-row">
              <span class="bar-label">${tr(T, 'acts_share')}</span>
              <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax=${mine.length} aria-valuenow=${done}
                   aria-label=${tr(T, 'phase_n', i + 1) + ' — ' + tr(T, 'acts_share')}>
                <div class="fill done" style=${'width:' + doneP + '%'}></div>
                <div class="fill running" style=${'width:' + runP + '%'}></div></div>
              <span class="bar-num">${mine.length ? tr(T, 'acts', done, mine.length) : tr(T, 'no_acts')}${
                running ? html`<span class="ph-running"> · ${tr(T, 'acts_running', running)}</span>` : null}</span>
            </div>
          </div>
        </li>`;
      })}
    </ol>
  </section>`;
}

// ---------------------------------------------------------------- ladders

// Per machine, its states from the highest rung down, and on each rung the
// bodies that stand there now.
function StateLadders({ ex, state, error }) {
  const bodies = useMemo(() => {
    const m = {};
    for (const b of ex.bodies || []) m[b.id] = b.name;
    return m;
  }, [ex]);
  const machines = ex.machines || [];
  const rows = (state && state.states) || [];
  return html`<section class="dash-panel dash-ladders" data-testid="state-ladders" aria-labelledby="dash-ladders-h">
    <h2 id="dash-ladders-h">${tr(T, 'ladders')}</h2>
    <${ErrorBox} error=${error} />
    ${!state && !error ? html`<${Loading} />` : null}
    ${state && !rows.length ? html`<p class="muted">${tr(T, 'no_states')}</p>` : null}
    <div class="ladders">
    ${machines.map((m) => {
      const here = rows.filter((r) => r.machine === m.id);
      if (!here.length) return null;
      const n = m.states.length;
      return html`<div class="ladder" data-machine=${m.id} key=${m.id}>
        <h3>${cap(m.name)} <span class="muted">· ${tr(T, 'ladder_count', here.length)}</span></h3>
        <ol class="rungs">
          ${m.states.slice().reverse().map((s) => {
            const level = m.states.indexOf(s);
            const on = here.filter((r) => r.state === s.id);
            return html`<li class=${'rung lv' + Math.round((level * 3) / Math.max(1, n - 1)) + (on.length ? '' : ' empty')}
                data-state=${s.id} key=${s.id}>
              <span class="rung-name"><span class="rung-step" aria-hidden="true">${level + 1}</span>${cap(s.name)}</span>
              <span class="rung-count" aria-label=${on.length}>${on.length}</span>
              <span class="rung-bodies">
                ${on.map((r) => html`<span class="chip" title=${bodies[r.body] || r.body} data-body=${r.body}
                    data-machine=${m.id} data-state=${s.id}>${shortName(bodies[r.body] || r.body, 40)}</span>`)}
              </span>
            </li>`;
          })}
        </ol>
      </div>`;
    })}
    </div>
  </section>`;
}

// ---------------------------------------------------------------- counts

function ExpectationCounts({ list, error }) {
  const c = { met: 0, late: 0, missed: 0, open: 0 };
  for (const e of list || []) if (e.status in c) c[e.status]++;
  const released = c.met + c.late + c.missed + c.open;
  const all = (list || []).filter((e) => e.status !== 'cancelled').length;
  return html`<section class="dash-counts" data-testid="expectation-counts" aria-label=${tr(T, 'expectations')}>
    <div class="counts-head">
      <span class="counts-title">${tr(T, 'expectations')}</span>
      <span class="muted">${list ? tr(T, 'exp_total', released, all) : ''}</span>
    </div>
    <${ErrorBox} error=${error} />
    <div class="count-tiles">
      ${['met', 'late', 'missed', 'open'].map((k) => html`<div class=${'tile t-' + k} key=${k}>
        <span class="n" data-count=${k}>${list ? c[k] : '–'}</span>
        <span class="k">${tr(T, 'c_' + k)}</span>
      </div>`)}
    </div>
  </section>`;
}

// ---------------------------------------------------------------- map

// A symbol for a place, by its kind and its owning body's kind (MIL-STD-2525C
// letter codes, drawn by milsymbol).  Place kinds are coarse in plans (a
// friendly air-defence position may be written as a "target"), so a few
// words of the name refine them.
function placeCategory(p, bodyKind) {
  const n = (p.name || '').toLowerCase();
  switch (p.kind) {
    case 'command-post':
      return bodyKind === 'police' ? 'police' : 'hq';
    case 'combat-base': return 'base';
    case 'assembly-area': return 'assembly';
    case 'dispersal-area': return 'dispersal';
    case 'target':
      if (/địch|đổ bộ|tiến công/.test(n)) return 'hostile';
      if (/phòng không/.test(n)) return 'ad';
      if (/bảo vệ/.test(n)) return 'protect';
      return 'unknown';
    default:
      if (/y tế|bị thương|cứu thương/.test(n)) return 'medical';
      if (/bếp|hậu cần|cung cấp|kho/.test(n)) return 'supply';
      if (/sở chỉ huy|trụ sở/.test(n)) return bodyKind === 'police' ? 'police' : 'hq';
      return 'civil';
  }
}
const SIDC = {
  hq: 'SFGPU-----A----',        // friendly unit, headquarters
  police: 'SFGPUULC--A----',    // friendly civilian law enforcement, headquarters
  base: 'SFGPI-----H----',      // friendly installation
  assembly: 'SFGAUCI--------',  // friendly infantry, planned (dashed)
  dispersal: 'SFGAI-----H----', // friendly installation, planned
  ad: 'SFGPUCD--------',        // friendly air defence
  protect: 'SFGPI-----H----',   // friendly installation to protect
  hostile: 'SHGPU----------',   // hostile ground unit
  unknown: 'SUGPU----------',   // unknown ground unit
  medical: 'SFGPUSM--------',   // friendly medical
  supply: 'SFGPUSS--------',    // friendly supply
  civil: 'SNGPI-----H----',     // neutral installation
};
const LEGEND_ORDER = ['hq', 'police', 'base', 'assembly', 'dispersal', 'ad', 'medical', 'supply',
  'protect', 'civil', 'unknown', 'hostile'];
const LEGEND_KEY = { hq: 'k_hq', police: 'k_police', base: 'k_base', assembly: 'k_assembly',
  dispersal: 'k_dispersal', ad: 'k_ad', protect: 'k_protect', hostile: 'k_hostile',
  unknown: 'k_unknown', medical: 'k_medical', supply: 'k_supply', civil: 'k_civil' };

const symCache = {};
function symbol(cat, size) {
  const key = cat + '@' + size;
  if (symCache[key]) return symCache[key];
  const ms = window.ms;
  if (!ms) return null;
  const s = new ms.Symbol(SIDC[cat] || SIDC.civil, { size });
  const sz = s.getSize();
  const anchor = s.getAnchor();
  const url = s.asCanvas(2).toDataURL();
  symCache[key] = { url, w: sz.width, h: sz.height, ax: anchor.x, ay: anchor.y };
  return symCache[key];
}

function useWide() {
  const q = '(min-width: 1600px) and (min-height: 900px)';
  const [wide, setWide] = useState(window.matchMedia(q).matches);
  useEffect(() => {
    const mq = window.matchMedia(q);
    const f = () => setWide(mq.matches);
    mq.addEventListener('change', f);
    return () => mq.removeEventListener('change', f);
  }, []);
  return wide;
}

// Labels: beside the symbol if there is room, else further out with a
// leader line; a place with no room anywhere is labelled on hover only.
// Boxes are screen pixels at this zoom; labels stay inside the map.
let measureCtx = null;
function textWidth(text, font) {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  measureCtx.font = font;
  return measureCtx.measureText(text).width;
}
function placeLabels(map, items, leaders) {
  leaders.clearLayers();
  const size = map.getSize();
  const boxes = [];
  const hit = (b) => b.x1 < 2 || b.y1 < 2 || b.x2 > size.x - 2 || b.y2 > size.y - 2 ||
    boxes.some((o) => b.x1 < o.x2 + 2 && b.x2 + 2 > o.x1 && b.y1 < o.y2 + 1 && b.y2 + 1 > o.y1);
  for (const it of items) {
    const p = map.latLngToContainerPoint(it.latlng);
    boxes.push({ x1: p.x - it.sym.ax, y1: p.y - it.sym.ay, x2: p.x - it.sym.ax + it.sym.w, y2: p.y - it.sym.ay + it.sym.h });
  }
  const cs = getComputedStyle(map.getContainer());
  const fontPx = parseFloat(cs.fontSize) || 14;
  const font = `600 ${fontPx}px ${cs.fontFamily}`;
  for (const it of items) {
    const p = map.latLngToContainerPoint(it.latlng);
    const w = textWidth(it.label, font) + 14, h = fontPx * 1.3 + 6;
    const { w: sw, h: sh, ax, ay } = it.sym;
    const R = p.x + sw - ax + 3, Lx = p.x - ax - 3, U = p.y - ay - 3, D = p.y + sh - ay + 3;
    const right = (dx, dy) => ['right', { x1: R + dx, y1: p.y + dy - h / 2, x2: R + dx + w, y2: p.y + dy + h / 2 }];
    const left = (dx, dy) => ['left', { x1: Lx - dx - w, y1: p.y + dy - h / 2, x2: Lx - dx, y2: p.y + dy + h / 2 }];
    const cand = [right(0, 0), left(0, 0),
      ['top', { x1: p.x - w / 2, y1: U - h, x2: p.x + w / 2, y2: U }],
      ['bottom', { x1: p.x - w / 2, y1: D, x2: p.x + w / 2, y2: D + h }]];
    for (let k = 1; k <= 6; k++) {
      for (const dy of [-k * h * 0.9, k * h * 0.9]) cand.push(right(10 + k * 8, dy), left(10 + k * 8, dy));
      cand.push(right(k * 22, 0), left(k * 22, 0));
    }
    const pick = cand.find((c) => !hit(c[1]));
    it.marker.unbindTooltip();
    const cls = 'place-label' + (it.active ? ' active' : '');
    if (!pick) {
      it.marker.bindTooltip(it.label, { direction: 'top', offset: [0, U - p.y + 6], className: cls, opacity: 1 });
      continue;
    }
    const [dir, b] = pick;
    boxes.push(b);
    const cy = (b.y1 + b.y2) / 2, cx = (b.x1 + b.x2) / 2;
    const offset = dir === 'right' ? [b.x1 - p.x - 6, cy - p.y] : dir === 'left' ? [b.x2 - p.x + 6, cy - p.y]
      : dir === 'top' ? [cx - p.x, b.y2 - p.y + 6] : [cx - p.x, b.y1 - p.y - 6];
    it.marker.bindTooltip(it.label, { permanent: true, direction: dir, offset, className: cls, opacity: 1 });
    // Displaced: a thin line from the place to its label.
    const near = dir === 'right' ? [b.x1, cy] : dir === 'left' ? [b.x2, cy] : null;
    if (near && (Math.abs(cy - p.y) > 2 || (dir === 'right' ? b.x1 - R : Lx - b.x2) > 4)) {
      L.polyline([it.latlng, map.containerPointToLatLng(near)],
        { color: '#3b4a5c', weight: 1, interactive: false }).addTo(leaders);
    }
  }
}

const LABEL_RANK = ['hq', 'police', 'hostile', 'unknown', 'base', 'ad', 'assembly', 'dispersal',
  'protect', 'medical', 'supply', 'civil'];

function PlaceMap({ ex, acts, wide }) {
  const el = useRef(null);
  const mapRef = useRef(null);
  const layerRef = useRef(null);
  const leadersRef = useRef(null);
  const bodies = useMemo(() => {
    const m = {};
    for (const b of ex.bodies || []) m[b.id] = b;
    return m;
  }, [ex]);
  const places = (ex.places || []).filter((p) => typeof p.lat === 'number' && typeof p.lon === 'number');
  const active = useMemo(() => {
    const m = {};
    for (const a of acts || []) if (a.status === 'started' && a.place) (m[a.place] = m[a.place] || []).push(a.title);
    return m;
  }, [acts]);
  const cats = [...new Set(places.map((p) => placeCategory(p, (bodies[p.body] || {}).kind)))];
  const size = wide ? 28 : 22;

  // The map itself, once.
  useEffect(() => {
    if (!el.current || !places.length) return undefined;
    const map = L.map(el.current, { zoomControl: true, attributionControl: false, zoomSnap: 0.25,
      minZoom: 5, maxZoom: 18, keyboard: true });
    mapRef.current = map;
    L.control.scale({ imperial: false, position: 'bottomright' }).addTo(map);
    const lats = places.map((p) => p.lat), lons = places.map((p) => p.lon);
    const b = L.latLngBounds([Math.min(...lats), Math.min(...lons)], [Math.max(...lats), Math.max(...lons)]);
    // A light coordinate grid (every 0.01°) around the places.
    const pad = 0.3;
    const grid = L.layerGroup().addTo(map);
    const s0 = Math.floor((b.getSouth() - pad) * 100) / 100, n0 = Math.ceil((b.getNorth() + pad) * 100) / 100;
    const w0 = Math.floor((b.getWest() - pad) * 100) / 100, e0 = Math.ceil((b.getEast() + pad) * 100) / 100;
    for (let la = s0, i = 0; la <= n0 + 1e-9 && i < 200; la += 0.01, i++) {
      L.polyline([[la, w0], [la, e0]], { color: '#8ea0b5', weight: Math.round(la * 100) % 5 === 0 ? 0.9 : 0.4,
        interactive: false }).addTo(grid);
    }
    for (let lo = w0, i = 0; lo <= e0 + 1e-9 && i < 200; lo += 0.01, i++) {
      L.polyline([[s0, lo], [n0, lo]], { color: '#8ea0b5', weight: Math.round(lo * 100) % 5 === 0 ? 0.9 : 0.4,
        interactive: false }).addTo(grid);
    }
    leadersRef.current = L.layerGroup().addTo(map);
    layerRef.current = L.layerGroup().addTo(map);
    const fit = () => {
      if (places.length === 1) map.setView([places[0].lat, places[0].lon], 14);
      else map.fitBounds(b, { padding: [50, 50], maxZoom: 15, animate: false });
    };
    fit();
    // A wall screen is not touched: when the map changes size, fit again.
    const ro = new ResizeObserver(() => { map.invalidateSize(); fit(); });
    ro.observe(el.current);
    return () => { ro.disconnect(); map.remove(); mapRef.current = null; };
  }, [ex.id, places.length]);

  // The symbols, whenever what is under way changes.
  useEffect(() => {
    const map = mapRef.current, layer = layerRef.current;
    if (!map || !layer) return undefined;
    layer.clearLayers();
    const items = [];
    for (const p of places) {
      const cat = placeCategory(p, (bodies[p.body] || {}).kind);
      const sym = symbol(cat, size);
      if (!sym) continue;
      const on = active[p.id];
      const icon = L.icon({ iconUrl: sym.url, iconSize: [sym.w, sym.h], iconAnchor: [sym.ax, sym.ay],
        className: 'place-symbol' + (on ? ' active' : '') });
      const full = p.name + (p.body && bodies[p.body] ? ' — ' + bodies[p.body].name : '') +
        (on ? '\n' + tr(T, 'active') + ': ' + on.join('; ') : '');
      const marker = L.marker([p.lat, p.lon], { icon, title: full, alt: p.name, keyboard: true }).addTo(layer);
      items.push({ marker, latlng: L.latLng(p.lat, p.lon), sym, label: shortName(p.name, 38), active: !!on,
        rank: (on ? 0 : 100) + LABEL_RANK.indexOf(cat) });
    }
    // Active places first, then command posts…: they get the best spots.
    items.sort((a, b) => a.rank - b.rank);
    const relabel = () => placeLabels(map, items, leadersRef.current);
    relabel();
    map.on('zoomend moveend resize', relabel);
    return () => map.off('zoomend moveend resize', relabel);
  }, [places.length, active, size, bodies]);

  if (!places.length) {
    return html`<section class="dash-panel dash-map" aria-labelledby="dash-map-h">
      <h2 id="dash-map-h">${tr(T, 'map')}</h2>
      <p class="notice" data-testid="map-none">${tr(T, 'no_coords')}</p>
    </section>`;
  }
  return html`<section class="dash-panel dash-map" aria-labelledby="dash-map-h">
    <h2 id="dash-map-h">${tr(T, 'map')} <span class="muted">· ${tr(T, 'places_n', places.length)}</span></h2>
    <div class="map-wrap">
      <div class="map" ref=${el} data-testid="map" role="region" aria-label=${tr(T, 'map')}></div>
    </div>
    <div class="legend" aria-label=${tr(T, 'legend')}>
        <div class="legend-title">${tr(T, 'legend')}</div>
        <ul>
          ${LEGEND_ORDER.filter((c) => cats.includes(c)).map((c) => {
            const s = symbol(c, 20);
            return html`<li key=${c}>${s ? html`<img src=${s.url} alt="" width=${s.w} height=${s.h} />` : null}
              <span>${tr(T, LEGEND_KEY[c])}</span></li>`;
          })}
          <li><span class="legend-active" aria-hidden="true"></span><span>${tr(T, 'active')}</span></li>
        </ul>
        <div class="legend-hint muted">${tr(T, 'map_hint')}</div>
    </div>
  </section>`;
}

// ---------------------------------------------------------------- screen

export function Dashboard(props) {
  useLang();
  const { x, ex, live, receivedAt } = props;
  useNow(1000); // the phase bars move with the clock
  const wide = useWide();
  const [state, stateError] = useLiveData(live, () => get(`/api/exercises/${x}/state`), [x]);
  const [exps, expsError] = useLiveData(live, () => get(`/api/exercises/${x}/expectations`), [x]);
  const [acts, actsError] = useLiveData(live, () => get(`/api/exercises/${x}/activities`), [x]);
  const now = exerciseNow(ex.clock, receivedAt);
  const root = useRef(null);

  // On a wall screen the dashboard fills the window below the bars.
  useEffect(() => {
    const fit = () => {
      const r = root.current;
      if (!r) return;
      if (wide) r.style.height = Math.max(600, window.innerHeight - r.getBoundingClientRect().top - 12) + 'px';
      else r.style.height = '';
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [wide]);

  const hasMap = (ex.places || []).some((p) => typeof p.lat === 'number' && typeof p.lon === 'number');
  return html`<div class=${'dashboard' + (wide ? ' wide' : '') + (hasMap ? '' : ' no-map')} data-testid="dashboard" ref=${root}>
    <header class="dash-top">
      <div class="dash-clocks">
        <${Clocks} big clock=${ex.clock} receivedAt=${receivedAt} status=${ex.status} />
      </div>
      <${ExpectationCounts} list=${exps} error=${expsError} />
    </header>
    <div class="dash-left">
      <${ErrorBox} error=${actsError} />
      <${PhaseProgress} ex=${ex} acts=${acts} now=${now} />
      <${StateLadders} ex=${ex} state=${state} error=${stateError} />
    </div>
    <div class="dash-right">
      <${PlaceMap} ex=${ex} acts=${acts} wide=${wide} />
    </div>
  </div>`;
}
