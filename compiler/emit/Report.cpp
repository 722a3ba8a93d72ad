//===- Report.cpp - the compile report as JSON and as an HTML page --------===//
//
// The JSON is written key by key with llvm::json::OStream, so the keys come in
// the documented order (json::Value would sort them). The HTML page holds that
// same JSON in a <script type="application/json"> element, and a small script
// in the page draws the arena from it; the summary, the banks and the op table
// are static HTML. Nothing in either depends on anything but the report, so the
// same report gives byte-identical files.
//
//===----------------------------------------------------------------------===//
#include "compiler/emit/Report.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace kiln {

/// Names come from the model file: JSON strings must be UTF-8, so anything else
/// is replaced (invalid bytes become U+FFFD) rather than tripping llvm::json.
static std::string utf8(const std::string &s) {
  return llvm::json::isUTF8(s) ? s : llvm::json::fixUTF8(s);
}

/// A buffer's name in the report: inputs and outputs placed in the arena
/// (--io-in-arena) say so.
static std::string bufferName(const PlannedBuffer &buffer) {
  switch (buffer.io) {
  case PlannedBuffer::Input:
    return buffer.name + " (input)";
  case PlannedBuffer::Output:
    return buffer.name + " (output)";
  case PlannedBuffer::Temporary:
    break;
  }
  return buffer.name;
}

std::string renderReportJson(const CompileReport &report) {
  const MemoryPlan &plan = report.plan;
  std::string text;
  llvm::raw_string_ostream os(text);
  {
    llvm::json::OStream j(os, /*IndentSize=*/2);
    j.object([&] {
      j.attribute("model", utf8(report.model));
      j.attribute("target", utf8(report.target));
      j.attribute("arena_bytes", plan.arenaSize());
      j.attribute("lower_bound_bytes", plan.lowerBound);
      j.attribute("unaligned_lower_bound_bytes", plan.unalignedLowerBound);
      j.attribute("total_temporary_bytes", plan.totalTemporaries);
      j.attribute("weights_bytes", report.weightsBytes);
      j.attribute("algorithm", utf8(plan.algorithm));
      if (report.hasSections)
        j.attributeObject("sections", [&] {
          j.attribute("text", report.textBytes);
          j.attribute("rodata", report.rodataBytes);
          j.attribute("data", report.dataBytes);
          j.attribute("bss", report.bssBytes);
        });
      j.attributeArray("banks", [&] {
        for (const PlannedBank &b : plan.banks)
          j.object([&] {
            j.attribute("name", utf8(b.name));
            j.attribute("size", b.size);
            j.attribute("capacity", b.capacity.value_or(-1));
            j.attribute("align", b.align);
          });
      });
      j.attributeArray("buffers", [&] {
        for (const PlannedBuffer &b : plan.buffers)
          j.object([&] {
            j.attribute("name", utf8(bufferName(b)));
            j.attribute("bank", utf8(plan.bankName(b)));
            j.attribute("offset", b.offset);
            j.attribute("size", b.size);
            j.attribute("first_op", b.first);
            j.attribute("last_op", b.last);
          });
      });
      j.attributeArray("ops", [&] {
        for (size_t i = 0; i < plan.ops.size(); ++i)
          j.object([&] {
            j.attribute("index", static_cast<int64_t>(i));
            j.attribute("name", utf8(plan.ops[i].name));
            j.attribute("op", utf8(plan.ops[i].op));
          });
      });
      const QuantizationSummary &q = report.quantization;
      if (q.quantized())
        j.attributeObject("quantization", [&] {
          j.attribute("quantize_ops", q.quantizeOps);
          j.attribute("dequantize_ops", q.dequantizeOps);
          j.attribute("choose_qparams_ops", q.chooseQParamsOps);
          j.attributeArray("float_islands", [&] {
            for (const FloatIsland &island : q.islands)
              j.object([&] {
                j.attributeArray("nodes", [&] {
                  for (const FloatIsland::Member &m : island.members)
                    j.value(utf8(m.node));
                });
                j.attributeArray("ops", [&] {
                  for (const FloatIsland::Member &m : island.members)
                    j.value(utf8(m.op));
                });
              });
          });
        });
    });
  }
  os << "\n";
  return text;
}

//===----------------------------------------------------------------------===//
// HTML
//===----------------------------------------------------------------------===//

/// Text made safe for HTML element content and quoted attribute values.
static std::string escapeHtml(llvm::StringRef s) {
  std::string fixed = utf8(s.str());
  std::string out;
  out.reserve(fixed.size());
  for (char c : fixed) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// The report's JSON as the content of a <script> element: every '<' (which
/// can only occur inside JSON strings) becomes the JSON escape \u003c, so
/// neither "</script" nor "<!--" can appear, and JSON.parse gives back exactly
/// the values of renderReportJson's text.
static std::string jsonForScript(const CompileReport &report) {
  std::string json = renderReportJson(report);
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

/// 1234567 -> "1,234,567".
static std::string withCommas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -(n + 1) + uint64_t(1) : uint64_t(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

/// 1536 -> "1.50 KiB"; below 1 KiB, "N bytes".
static std::string humanBytes(int64_t n) {
  static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = double(n);
  int u = 0;
  while ((v >= 1024 || v <= -1024) && u < 4) {
    v /= 1024;
    ++u;
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  if (u == 0)
    os << n << " bytes";
  else
    os << llvm::format("%.2f", v) << " " << units[u];
  return s;
}

/// "1,234,567 bytes (1.18 MiB)".
static std::string bytesCell(int64_t n) {
  std::string s = withCommas(n) + " bytes";
  if (n >= 1024 || n <= -1024)
    s += " (" + humanBytes(n) + ")";
  return s;
}

static const char *const pageStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 1.5em; color: #222; background: #fff; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums;
         white-space: nowrap; }
table.ops td.live { max-width: 48em; }
tr.peak td { background: #fff3d6; }
span.none { color: #999; }
p.note { color: #555; max-width: 60em; }
p.error { color: #b00020; font-weight: bold; }
div.info { font-family: ui-monospace, Menlo, Consolas, monospace;
           white-space: pre; min-height: 4.5em; padding: 4px 8px;
           background: #f7f7f7; border: 1px solid #ddd; margin: 0.5em 0; }
svg.arena { display: block; max-width: 100%; height: auto; }
svg.arena text { font: 11px system-ui, sans-serif; fill: #333; }
svg.arena text.label { font-weight: bold; font-size: 12px; }
svg.arena rect.plot { fill: #fafafa; stroke: #999; stroke-width: 1; }
svg.arena line.grid { stroke: #e4e4e4; stroke-width: 1; }
svg.arena text.mark { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.arena line.mark { stroke-width: 1.5; stroke-dasharray: 6 4; }
svg.arena rect.buffer { stroke-width: 0.5; }
svg.arena rect.buffer:hover { stroke: #000; stroke-width: 1.5; }
)css";

/// Draws the arena into <svg id="kiln-arena"> from the JSON in
/// <script id="kiln-report">: one panel per bank, one <rect class="buffer">
/// per buffer. On failure it puts a paragraph with id kiln-error before the
/// picture (test/e2e/check_report_html.py looks for it). The text holds no
/// "</" (it is inside a <script> element) and no URL: the SVG namespace comes
/// from the <svg> element itself.
static const char *const pageScript = R"js(
(function () {
  'use strict';
  var svg = document.getElementById('kiln-arena');
  var info = document.getElementById('kiln-arena-info');
  var NS = svg.namespaceURI;
  var UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  var SCALE = [1, 1024, 1048576, 1073741824, 1099511627776];

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs)
      if (Object.prototype.hasOwnProperty.call(attrs, k))
        e.setAttribute(k, String(attrs[k]));
    if (parent)
      parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el('text', attrs || {}, parent);
    t.setAttribute('x', x);
    t.setAttribute('y', y);
    t.textContent = s;
    return t;
  }
  function commas(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function human(n) {
    var u = 0, v = n;
    while (Math.abs(v) >= 1024 && u < 4) { v /= 1024; u++; }
    return u === 0 ? n + ' bytes' : v.toFixed(2) + ' ' + UNITS[u];
  }
  // A round byte step (1, 2, 5, 10, 20, 50, 100, 200, 500 of a binary unit)
  // giving at most maxTicks intervals over range.
  function byteStep(range, maxTicks) {
    var mults = [1, 2, 5, 10, 20, 50, 100, 200, 500];
    for (var u = 0; u < SCALE.length; u++)
      for (var m = 0; m < mults.length; m++)
        if (range / (mults[m] * SCALE[u]) <= maxTicks)
          return { step: mults[m] * SCALE[u], unit: u };
    var s = 1000 * SCALE[4];
    while (range / s > maxTicks) s *= 10;
    return { step: s, unit: 4 };
  }
  function byteLabel(v, unit) {
    return v === 0 ? '0' : commas(v / SCALE[unit]) + ' ' + UNITS[unit];
  }
  // 1, 2, 5, 10, ... ops per tick, at most maxTicks intervals.
  function opStep(n, maxTicks) {
    for (var p = 1; ; p *= 10)
      for (var m of [1, 2, 5])
        if (n / (m * p) <= maxTicks)
          return m * p;
  }
  // FNV-1a of the name: the same buffer name always gets the same colour.
  function colour(name) {
    var h = 0x811c9dc5;
    for (var i = 0; i < name.length; i++) {
      h ^= name.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    var hue = h % 360, sat = 45 + (h >>> 9) % 30, light = 55 + (h >>> 17) % 20;
    return ['hsl(' + hue + ',' + sat + '%,' + light + '%)',
            'hsl(' + hue + ',' + sat + '%,30%)'];
  }
  function opText(ops, i) {
    var o = ops[i];
    if (!o) return 'op ' + i;
    return 'op ' + o.index + ' ' + (o.name ? o.name + ' = ' : '') + o.op;
  }

  function draw(report) {
    var buffers = report.buffers, ops = report.ops;
    var nOps = Math.max(ops.length, 1);
    for (var i = 0; i < buffers.length; i++)
      nOps = Math.max(nOps, buffers[i].last_op + 1, buffers[i].first_op + 1);

    // Panels: the banks in order, then any bank a buffer names that the bank
    // list lacks.
    var panels = [], byName = Object.create(null);
    function panel(name, bank) {
      var p = { name: name, bank: bank, buffers: [], end: 0 };
      panels.push(p);
      byName[name] = p;
      return p;
    }
    report.banks.forEach(function (b) {
      if (!(b.name in byName)) panel(b.name, b);
    });
    buffers.forEach(function (b) {
      var p = byName[b.bank] || panel(b.bank, null);
      p.buffers.push(b);
      p.end = Math.max(p.end, b.offset + b.size);
    });

    var L = 96, R = 24, W = 1000, PH = 280, TOP = 30, BOTTOM = 34, GAP = 18;
    var block = TOP + PH + BOTTOM + GAP;
    var height = panels.length ? panels.length * block + 24 : 60;
    svg.setAttribute('width', L + W + R);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + (L + W + R) + ' ' + height);
    if (panels.length === 0)
      text(svg, L, 30, 'No temporary buffers.');

    var xs = W / nOps, oStep = opStep(nOps, 10);
    var drawn = 0;
    panels.forEach(function (p, pi) {
      var y0 = pi * block + TOP;
      var bank = p.bank;
      var extent = Math.max(p.end, bank ? bank.size : 0, 1);
      // Show the capacity too when that does not squash the buffers.
      if (bank && bank.capacity > extent && bank.capacity <= 4 * extent)
        extent = bank.capacity;
      var t = byteStep(extent, 8);
      var top = Math.ceil(extent / t.step) * t.step;
      var ys = PH / top;
      var g = el('g', { 'class': 'panel', 'data-bank': p.name }, svg);

      var label = 'bank ' + p.name + ': ';
      if (bank) {
        label += human(bank.size) + ' used';
        label += bank.capacity >= 0 ? ' of ' + human(bank.capacity) : ', unbounded';
      } else {
        label += 'not in the bank list';
      }
      label += ', ' + p.buffers.length + ' buffer' + (p.buffers.length === 1 ? '' : 's');
      text(g, L, y0 - 10, label, { 'class': 'label' });
      el('rect', { 'class': 'plot', x: L, y: y0, width: W, height: PH }, g);

      // Offsets: 0 at the top of the panel, growing down.
      for (var v = 0; v <= top; v += t.step) {
        var y = y0 + v * ys;
        el('line', { 'class': 'grid', x1: L, x2: L + W, y1: y, y2: y }, g);
        text(g, L - 6, y + 4, byteLabel(v, t.unit), { 'text-anchor': 'end' });
      }
      for (var k = 0; k <= nOps; k += oStep) {
        var x = L + k * xs;
        el('line', { 'class': 'grid', x1: x, x2: x, y1: y0, y2: y0 + PH }, g);
        text(g, x, y0 + PH + 14, String(k), { 'text-anchor': 'middle' });
      }
      text(g, L + W / 2, y0 + PH + 28, 'op index', { 'text-anchor': 'middle' });
      var yl = text(g, 0, 0, 'byte offset', { 'text-anchor': 'middle' });
      yl.setAttribute('transform', 'translate(14,' + (y0 + PH / 2) + ') rotate(-90)');

      p.buffers.forEach(function (b) {
        var first = Math.max(b.first_op, 0), last = Math.max(b.last_op, first);
        var c = colour(b.name);
        var r = el('rect', {
          'class': 'buffer',
          x: L + first * xs,
          y: y0 + b.offset * ys,
          width: Math.max((last - first + 1) * xs, 0.5),
          height: Math.max(b.size * ys, 0.5),
          fill: c[0],
          stroke: c[1]
        }, g);
        var title = el('title', {}, r);
        title.textContent = b.name + '\n' + commas(b.size) + ' bytes (' + human(b.size) +
          ')\noffset ' + commas(b.offset) + ' to ' + commas(b.offset + b.size) +
          ' in bank ' + b.bank + '\nlive over ops ' + b.first_op + ' to ' + b.last_op +
          '\n  from ' + opText(ops, b.first_op) + '\n  to   ' + opText(ops, b.last_op);
        drawn++;
      });

      // A dashed line across the panel at `bytes`, labelled at its right end
      // (or its left end, so that equal marks stay readable).
      function mark(bytes, cls, colourName, what, atLeft) {
        if (bytes <= 0 || bytes > top) return;
        var y = y0 + bytes * ys;
        el('line', { 'class': 'mark ' + cls, x1: L, x2: L + W, y1: y, y2: y,
                     stroke: colourName }, g);
        text(g, atLeft ? L + 4 : L + W - 4, y - 4, what + ' ' + human(bytes),
             { 'class': 'mark', 'text-anchor': atLeft ? 'start' : 'end',
               style: 'fill:' + colourName });
      }
      if (bank) {
        mark(bank.size, 'size', '#555', 'bank size', false);
        if (bank.capacity >= 0 && bank.capacity !== bank.size)
          mark(bank.capacity, 'capacity', '#c62828', 'capacity', true);
      }
      if (panels.length === 1 && report.banks.length <= 1)
        mark(report.lower_bound_bytes, 'lower-bound', '#1565c0', 'lower bound', true);
    });

    svg.addEventListener('mouseover', function (e) {
      var r = e.target;
      if (r.getAttribute && r.getAttribute('class') === 'buffer' && r.firstChild)
        info.textContent = r.firstChild.textContent;
    });
    svg.setAttribute('data-kiln-drawn', String(drawn));
  }

  try {
    draw(JSON.parse(document.getElementById('kiln-report').textContent));
  } catch (e) {
    var p = document.createElement('p');
    p.setAttribute('id', 'kiln-error');
    p.setAttribute('class', 'error');
    p.textContent = 'The arena picture could not be drawn: ' +
      (e && e.message ? e.message : String(e));
    svg.parentNode.insertBefore(p, svg);
  }
})();
)js";

std::string renderReportHtml(const CompileReport &report) {
  const MemoryPlan &plan = report.plan;
  std::string html;
  llvm::raw_string_ostream os(html);
  std::string model = escapeHtml(report.model), target = escapeHtml(report.target);

  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n"
     << "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n"
     << "<title>Kiln report: " << model << " for " << target << "</title>\n"
     << "<style>" << pageStyle << "</style>\n</head>\n<body>\n"
     << "<h1>Kiln compile report: <code>" << model << "</code> for <code>" << target
     << "</code></h1>\n";

  // Summary.
  os << "<h2>Summary</h2>\n<table class=\"summary\">\n";
  auto row = [&](llvm::StringRef what, const std::string &value, llvm::StringRef note) {
    os << "<tr><th>" << what << "</th><td class=\"num\">" << value << "</td><td>" << note
       << "</td></tr>\n";
  };
  row("Arena", bytesCell(plan.arenaSize()), "the sum of the banks' sizes");
  row("Lower bound", bytesCell(plan.lowerBound),
      "the most bytes live at once over the schedule, each buffer rounded up to the "
      "alignment: no plan can be smaller");
  row("Live bytes peak", bytesCell(plan.unalignedLowerBound),
      "the same with the buffers' exact sizes");
  std::string ratio = "n/a";
  if (plan.lowerBound > 0) {
    ratio.clear();
    llvm::raw_string_ostream(ratio)
        << llvm::format("%.3f", double(plan.arenaSize()) / double(plan.lowerBound));
  }
  row("Arena / lower bound", ratio, "1.000 is optimal");
  row("Total temporaries", bytesCell(plan.totalTemporaries),
      "the arena without reuse: the sum of all buffers' sizes");
  row("Weights", bytesCell(report.weightsBytes), "parameters, buffers and constants");
  row("Algorithm", "<code>" + escapeHtml(plan.algorithm) + "</code>",
      "the placement whose plan was kept");
  if (report.hasSections)
    row("Object sections",
        ".text " + bytesCell(report.textBytes) + ", .rodata " + bytesCell(report.rodataBytes) +
            ", .data " + bytesCell(report.dataBytes) + ", .bss " + bytesCell(report.bssBytes),
        "allocated bytes of the generated object by section kind");
  row("Buffers", withCommas(int64_t(plan.buffers.size())), "temporaries in the plan");
  row("Ops", withCommas(int64_t(plan.ops.size())), "in schedule order");
  os << "</table>\n";

  // Banks.
  os << "<h2>Banks</h2>\n";
  if (plan.banks.empty()) {
    os << "<p class=\"note\">No banks.</p>\n";
  } else {
    os << "<table "
          "class=\"banks\">\n<tr><th>Bank</th><th>Size</th><th>Capacity</th>"
          "<th>Alignment</th><th>Buffers</th></tr>\n";
    for (const PlannedBank &b : plan.banks) {
      int64_t count =
          std::count_if(plan.buffers.begin(), plan.buffers.end(),
                        [&](const PlannedBuffer &x) { return plan.bankName(x) == b.name; });
      os << "<tr><td><code>" << escapeHtml(b.name) << "</code></td><td class=\"num\">"
         << bytesCell(b.size) << "</td><td class=\"num\">"
         << (b.capacity ? bytesCell(*b.capacity) : std::string("unbounded"))
         << "</td><td class=\"num\">" << b.align << "</td><td class=\"num\">" << withCommas(count)
         << "</td></tr>\n";
    }
    os << "</table>\n";
  }

  // Quantization: what runs in float.
  if (report.quantization.quantized()) {
    const QuantizationSummary &q = report.quantization;
    os << "<h2>Float islands</h2>\n<p class=\"note\">" << withCommas(q.quantizeOps)
       << " quantize and " << withCommas(q.dequantizeOps)
       << " dequantize ops. Ops between a dequantize and a quantize that the quantization "
          "passes did not fold into integer ops compute in float: "
       << withCommas(int64_t(q.islands.size())) << " island(s).</p>\n";
    if (!q.islands.empty()) {
      os << "<table class=\"islands\">\n<tr><th>Island</th><th>Nodes (ops)</th></tr>\n";
      for (size_t i = 0; i < q.islands.size(); ++i) {
        os << "<tr><td class=\"num\">" << i << "</td><td>";
        for (size_t k = 0; k < q.islands[i].members.size(); ++k)
          os << (k ? ", " : "") << "<code>" << escapeHtml(q.islands[i].members[k].node)
             << "</code> (" << escapeHtml(q.islands[i].members[k].op) << ")";
        os << "</td></tr>\n";
      }
      os << "</table>\n";
    }
  }

  // The arena picture, drawn by pageScript.
  os << "<h2>Arena</h2>\n"
     << "<p class=\"note\">One panel per bank. Across: the ops in schedule "
        "order; down: "
        "the byte offset in the bank, 0 at the top. Each rectangle is a "
        "buffer, from the "
        "op that makes it live to the last op that uses it; hover over one for "
        "its name, "
        "size, offset and live range.</p>\n"
     << "<noscript><p class=\"note\">The arena picture is drawn by JavaScript "
        "from the "
        "report data embedded in this page; with JavaScript off it is not "
        "shown. The "
        "tables need no script.</p></noscript>\n"
     << "<div id=\"kiln-arena-info\" class=\"info\">Hover over a buffer to see "
        "its "
        "details.</div>\n"
     << "<svg id=\"kiln-arena\" class=\"arena\" role=\"img\" aria-label=\"The "
        "arena: "
        "buffers by op index and byte offset\"></svg>\n";

  // The op table: which buffers become live at each op, and the bytes live
  // there (a difference array over the clamped live ranges).
  size_t n = plan.ops.size();
  std::vector<std::vector<size_t>> startsAt(n);
  std::vector<size_t> outside;
  std::vector<int64_t> delta(n + 1, 0);
  for (size_t i = 0; i < plan.buffers.size(); ++i) {
    const PlannedBuffer &b = plan.buffers[i];
    if (b.first < 0 || b.first >= int64_t(n)) {
      outside.push_back(i);
      continue;
    }
    startsAt[b.first].push_back(i);
    int64_t last = std::clamp<int64_t>(b.last, b.first, int64_t(n) - 1);
    delta[b.first] += b.size;
    delta[last + 1] -= b.size;
  }
  std::vector<int64_t> live(n, 0);
  int64_t running = 0, peak = 0;
  for (size_t i = 0; i < n; ++i) {
    running += delta[i];
    live[i] = running;
    peak = std::max(peak, running);
  }

  os << "<h2>Ops</h2>\n";
  if (n == 0) {
    os << "<p class=\"note\">No ops.</p>\n";
  } else {
    os << "<p class=\"note\">Live bytes: the sizes of the buffers live at the "
          "op, over "
          "all banks; the rows at the peak are highlighted.</p>\n"
       << "<table "
          "class=\"ops\">\n<thead><tr><th>#</th><th>Node</th><th>Operator</th>"
          "<th>Live bytes</th><th>Buffers becoming "
          "live</th></tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < n; ++i) {
      const PlannedOp &o = plan.ops[i];
      os << (peak > 0 && live[i] == peak ? "<tr class=\"peak\">" : "<tr>") << "<td class=\"num\">"
         << i << "</td><td>";
      if (o.name.empty())
        os << "<span class=\"none\">(added by the compiler)</span>";
      else
        os << "<code>" << escapeHtml(o.name) << "</code>";
      os << "</td><td><code>" << escapeHtml(o.op) << "</code></td><td class=\"num\">"
         << withCommas(live[i]) << "</td><td class=\"live\">";
      for (size_t k = 0; k < startsAt[i].size(); ++k) {
        const PlannedBuffer &b = plan.buffers[startsAt[i][k]];
        os << (k ? ", " : "") << "<code title=\"" << escapeHtml(plan.bankName(b)) << " +"
           << b.offset << ", " << b.size << " bytes, live to op " << b.last << "\">"
           << escapeHtml(bufferName(b)) << "</code>";
      }
      os << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n";
  }
  if (!outside.empty()) {
    os << "<p class=\"note\">Buffers whose live range starts outside the op "
          "list: ";
    for (size_t k = 0; k < outside.size(); ++k) {
      const PlannedBuffer &b = plan.buffers[outside[k]];
      os << (k ? ", " : "") << "<code>" << escapeHtml(bufferName(b)) << "</code> (ops " << b.first
         << " to " << b.last << ")";
    }
    os << "</p>\n";
  }

  os << "<script type=\"application/json\" id=\"kiln-report\">\n"
     << jsonForScript(report) << "</script>\n"
     << "<script>" << pageScript << "</script>\n</body>\n</html>\n";
  return html;
}

} // namespace kiln
