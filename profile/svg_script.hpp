// The flame graph's embedded script (in a CDATA section at the end of the
// SVG, so every frame exists when it runs). It reads the layout from the
// data attributes flamegraph.cpp writes: on the svg, data-total, data-unit,
// data-xpad and data-charw; on each g.frame, data-name, data-value (its
// total, which is its width), data-self, data-x (offset from the left
// edge), data-depth (0: the root) and data-host.
//
// Hover: the frame's details in the status line. Click: zoom into the frame
// (its ancestors full width, unrelated frames hidden); "Reset zoom" or
// Escape undoes it. "Search", Ctrl-F or '/': highlights the frames whose
// name matches a regular expression and shows the share of the total they
// cover (nested matches counted once). A URL fragment does the same on
// load: #search=REGEX&zoom=NAME (percent-encoded).
//
// For tests (and tools) it leaves on the svg: data-ready="1" once set up,
// data-error if any script error happened, data-zoom (the zoomed frame's
// name), data-matched (the matched percentage), and data-widest with
// data-widest-frac: the widest visible frame directly above the root and
// its rendered width as a fraction of the root's (measured with getBBox).
#pragma once

namespace tc::profile {

inline constexpr const char* kFlameScript = R"JS(
(function () {
  'use strict';
  var me = document.currentScript;
  var svg = (me && me.ownerSVGElement) || document.querySelector('svg');
  window.addEventListener('error', function (e) { svg.setAttribute('data-error', String(e.message)); });
  function byId(id) { return svg.querySelector('#' + id); }
  var W = +svg.getAttribute('width'), pad = +svg.getAttribute('data-xpad');
  var total = +svg.getAttribute('data-total'), charW = +svg.getAttribute('data-charw');
  var unit = svg.getAttribute('data-unit');
  var status = byId('status'), matched = byId('matched'), reset = byId('reset'), searchBtn = byId('search');
  var frames = [], byG = new Map(), root = null, zoomed = null, lastSearch = '';

  svg.querySelectorAll('g.frame').forEach(function (g) {
    var f = {
      g: g, rect: g.querySelector('rect'), text: g.querySelector('text'),
      name: g.getAttribute('data-name'), x: +g.getAttribute('data-x'), w: +g.getAttribute('data-value'),
      self: +g.getAttribute('data-self'), depth: +g.getAttribute('data-depth')
    };
    frames.push(f);
    byG.set(g, f);
    if (f.depth === 0) root = f;
  });

  function pct(v) { return (total > 0 ? 100 * v / total : 0).toFixed(2); }
  // As flamegraph.cpp's fit(): the name, its first code points and "..", or nothing.
  function label(name, px) {
    var room = Math.floor((px - 6) / charW), cps = Array.from(name);
    if (room < 3) return '';
    return cps.length <= room ? name : cps.slice(0, room - 2).join('') + '..';
  }
  function place(f, x, w) {
    f.rect.setAttribute('x', x.toFixed(2));
    f.rect.setAttribute('width', w.toFixed(2));
    f.text.setAttribute('x', (x + 3).toFixed(2));
    f.text.textContent = label(f.name, w);
  }

  // Frames are nested intervals: f is inside t if it is deeper and its
  // interval lies within t's, an ancestor if shallower and covering it.
  function zoom(t) {
    if (!t) return;
    zoomed = t;
    var scale = (W - 2 * pad) / (t.w || 1);
    frames.forEach(function (f) {
      var inside = f.depth >= t.depth && f.x >= t.x && f.x + f.w <= t.x + t.w;
      var above = f.depth < t.depth && f.x <= t.x && f.x + f.w >= t.x + t.w;
      f.g.classList.toggle('hidden', !inside && !above);
      f.g.classList.toggle('parent', above);
      if (inside) place(f, f === root ? pad : pad + (f.x - t.x) * scale, f === root ? W - 2 * pad : f.w * scale);
      else if (above) place(f, pad, W - 2 * pad);
    });
    reset.setAttribute('visibility', t === root ? 'hidden' : 'visible');
    svg.setAttribute('data-zoom', t.name);
  }

  function search(re) {
    var rx = null, hits = [];
    if (re) {
      try { rx = new RegExp(re); } catch (e) { status.textContent = 'Invalid regular expression: ' + e.message; return; }
    }
    lastSearch = re || '';
    frames.forEach(function (f) {
      var hit = !!rx && f !== root && rx.test(f.name);
      f.g.classList.toggle('match', hit);
      if (hit) hits.push(f);
    });
    // Count a match inside another match once: by x, outer frames first.
    hits.sort(function (a, b) { return a.x - b.x || a.depth - b.depth; });
    var sum = 0, end = -1;
    hits.forEach(function (f) { if (f.x >= end) { sum += f.w; end = f.x + f.w; } });
    matched.textContent = rx ? 'Matched: ' + pct(sum) + '% (' + hits.length + ' frames)' : ' ';
    searchBtn.textContent = rx ? 'Search: /' + re + '/' : 'Search';
    if (rx) svg.setAttribute('data-matched', pct(sum)); else svg.removeAttribute('data-matched');
  }
  function askSearch() {
    var re = window.prompt('Search frames (regular expression; empty to clear):', lastSearch);
    if (re !== null) search(re);
  }

  svg.addEventListener('mouseover', function (e) {
    var g = e.target.closest && e.target.closest('g.frame'), f = g && byG.get(g);
    if (f) status.textContent = f.name + ' (' + f.w + ' ' + unit + ', ' + pct(f.w) + '%; self ' + f.self + ')';
  });
  svg.addEventListener('mouseout', function (e) {
    if (e.target.closest && e.target.closest('g.frame')) status.textContent = ' ';
  });
  svg.addEventListener('click', function (e) {
    var g = e.target.closest && e.target.closest('g.frame');
    if (g) zoom(byG.get(g));
  });
  reset.addEventListener('click', function () { zoom(root); });
  searchBtn.addEventListener('click', askSearch);
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !e.ctrlKey && !e.metaKey)) {
      e.preventDefault();
      askSearch();
    } else if (e.key === 'Escape') {
      zoom(root);
      search('');
    }
  });

  // #search=REGEX&zoom=NAME
  var want = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var i = kv.indexOf('=');
    if (i > 0) want[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
  });
  var target = root;
  if (want.zoom) frames.forEach(function (f) { if (f.name === want.zoom && (target === root || f.w > target.w)) target = f; });
  zoom(target);
  if (want.search) search(want.search);

  var best = null, bestW = -1;
  frames.forEach(function (f) {
    if (f.depth !== 1 || f.g.classList.contains('hidden')) return;
    var w = f.rect.getBBox().width;
    if (w > bestW) { best = f; bestW = w; }
  });
  if (best && root) {
    svg.setAttribute('data-widest', best.name);
    svg.setAttribute('data-widest-frac', (bestW / root.rect.getBBox().width).toFixed(4));
  }
  svg.setAttribute('data-ready', '1');
})();
)JS";

}  // namespace tc::profile
