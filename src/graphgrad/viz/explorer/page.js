// graphgrad.viz.explore: the page's behaviour. Every text from the graph is shown with
// textContent (never innerHTML), so names that hold HTML render as text.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var svg = document.querySelector("#graph svg");
  var panel = document.getElementById("details");
  var statusLine = document.getElementById("status");
  var boxes = {};
  data.boxes.forEach(function (b) { boxes[b.id] = b; });
  var outEdges = {}, inEdges = {};
  data.edges.forEach(function (e) {
    if (e[3] !== "flow" && e[3] !== "view") return;
    (outEdges[e[1]] = outEdges[e[1]] || []).push(e);
    (inEdges[e[2]] = inEdges[e[2]] || []).push(e);
  });

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function fieldsTable(fields) {
    var table = el("table");
    fields.forEach(function (f) {
      var row = table.insertRow();
      row.insertCell().textContent = f[0];
      row.insertCell().appendChild(el("pre", f[1]));
    });
    return table;
  }
  function renderRecord(record, target) {
    target.appendChild(el("h2", record.title));
    target.appendChild(el("div", record.kind, "kind"));
    target.appendChild(fieldsTable(record.fields));
    record.sections.forEach(function (section) {
      target.appendChild(el("h3", section.title + (section.items.length ? "" : ": none")));
      section.items.forEach(function (item) {
        var div = el("div", null, "item");
        if (item.name) div.appendChild(el("div", item.name, "item-name"));
        div.appendChild(fieldsTable(item.fields));
        target.appendChild(div);
      });
    });
  }
  function setStatus(text) { statusLine.textContent = text; }
  function clearPanel() { panel.textContent = ""; }
  function nodeEl(id) { return document.getElementById(id); }
  function clearClass(cls) {
    Array.prototype.slice.call(svg.querySelectorAll("." + cls)).forEach(function (n) {
      n.classList.remove(cls);
    });
  }

  // -- details, folded boxes, paths ---------------------------------------------------------
  function showBox(id) {
    var box = boxes[id];
    clearClass("selected");
    clearClass("path");
    nodeEl(id).classList.add("selected");
    clearPanel();
    renderRecord(box.details, panel);
    if (box.members) expand(box);
    if (box.kind === "leaf" || box.kind === "base") highlightPaths(id);
  }
  function expand(box) {
    nodeEl(box.id).classList.add("expanded");
    panel.appendChild(el("h3", "the folded nodes (click one)"));
    var memberDetails = el("div", null, "member-details");
    box.members.forEach(function (m, i) {
      var button = el("button", (i + 1) + ". " + m.title + "  (step " + m.fields[0][1] + ")",
        "member");
      button.addEventListener("click", function () {
        memberDetails.textContent = "";
        renderRecord(m, memberDetails);
      });
      panel.appendChild(button);
    });
    panel.appendChild(memberDetails);
  }
  function reach(start, edges, end) {
    var seen = {}, stack = [start];
    seen[start] = true;
    while (stack.length) {
      (edges[stack.pop()] || []).forEach(function (e) {
        var next = e[end];
        if (!seen[next]) { seen[next] = true; stack.push(next); }
      });
    }
    return seen;
  }
  function highlightPaths(leaf) {
    var down = reach(leaf, outEdges, 2), up = {};
    data.boxes.forEach(function (b) {
      if (b.kind === "output" && down[b.id]) {
        var r = reach(b.id, inEdges, 1);
        for (var k in r) up[k] = true;
      }
    });
    var count = 0;
    data.edges.forEach(function (e) {
      if ((e[3] === "flow" || e[3] === "view") && down[e[1]] && up[e[1]] && down[e[2]] && up[e[2]]) {
        nodeEl(e[0]).classList.add("path");
        nodeEl(e[1]).classList.add("path");
        nodeEl(e[2]).classList.add("path");
        count += 1;
      }
    });
    setStatus(count ? "paths from this leaf to the output: " + count + " lines" :
      "no path from this leaf to the output");
  }
  svg.addEventListener("click", function (event) {
    var g = event.target.closest("g.node");
    if (g && boxes[g.id]) showBox(g.id);
  });

  // -- backward order ------------------------------------------------------------------------
  var done = 0, timer = null;
  var stepButton = document.getElementById("step");
  var animateButton = document.getElementById("animate");
  function showStep(step, index) {
    clearPanel();
    panel.appendChild(el("h2", "step " + (index + 1) + " of " + data.steps.length));
    step.runs.forEach(function (run) {
      var div = el("div", null, "item");
      renderRecord(run, div);
      panel.appendChild(div);
    });
  }
  function step() {
    if (done >= data.steps.length) { stopAnimation(); return false; }
    var s = data.steps[done];
    clearClass("current");
    var g = nodeEl(s.box);
    g.classList.add("active", "current");
    showStep(s, done);
    done += 1;
    setStatus("backward: " + done + " of " + data.steps.length + " boxes run" +
      (done === data.steps.length ? " (done)" : ""));
    stepButton.disabled = done >= data.steps.length;
    return true;
  }
  function stopAnimation() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    animateButton.textContent = "animate";
  }
  function reset() {
    stopAnimation();
    done = 0;
    clearClass("active");
    clearClass("current");
    stepButton.disabled = data.steps.length === 0;
    setStatus("");
    clearPanel();
  }
  stepButton.addEventListener("click", step);
  animateButton.addEventListener("click", function () {
    if (timer !== null) { stopAnimation(); return; }
    if (done >= data.steps.length) reset();
    animateButton.textContent = "stop";
    timer = setInterval(step, Number(document.getElementById("speed").value) || 500);
  });
  document.getElementById("reset").addEventListener("click", reset);
  stepButton.disabled = data.steps.length === 0;

  // -- search ----------------------------------------------------------------------------------
  var searchTimer = null;
  function search(text) {
    clearClass("match");
    var query = text.trim().toLowerCase();
    if (!query) { setStatus(""); return; }
    var count = 0;
    data.boxes.forEach(function (b) {
      var haystack = (b.label + "\n" + b.details.title).toLowerCase();
      if (haystack.indexOf(query) >= 0) { nodeEl(b.id).classList.add("match"); count += 1; }
    });
    setStatus(count + " match" + (count === 1 ? "" : "es"));
    var first = svg.querySelector("g.node.match");
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center", inline: "center" });
  }
  document.getElementById("search").addEventListener("input", function (event) {
    clearTimeout(searchTimer);
    var text = event.target.value;
    searchTimer = setTimeout(function () { search(text); }, 60);
  });

  // -- gradient magnitude on the lines ---------------------------------------------------------
  function colour(mag) {
    if (mag === null || mag === undefined) return "#bbbbbb";
    if (mag === 0) return "#1f3fbf";
    var l = Math.log10(mag);
    if (l < -4) return "#1f3fbf";      // vanishing
    if (l < -1) return "#4f9fdf";
    if (l <= 1) return "#2ca02c";      // healthy
    if (l <= 3) return "#ff9f1c";
    return "#d62728";                  // exploding
  }
  function paintGradients(on) {
    data.edges.forEach(function (e) {
      if (e[3] !== "flow") return;
      var g = nodeEl(e[0]);
      var parts = g.querySelectorAll("path, polygon");
      for (var i = 0; i < parts.length; i++) {
        parts[i].style.stroke = on ? colour(e[4]) : "";
        parts[i].style.strokeWidth = on ? "2px" : "";
        if (parts[i].tagName === "polygon") parts[i].style.fill = on ? colour(e[4]) : "";
      }
      var title = g.querySelector("title");
      if (title && on) title.textContent = "max |grad| = " + (e[4] === null ? "unknown" : e[4]);
    });
    document.getElementById("legend").hidden = !on;
  }
  document.getElementById("gradcolor").addEventListener("change", function (event) {
    paintGradients(event.target.checked);
  });
  if (!data.grads_recorded) {
    document.getElementById("gradnote").textContent =
      "(gradients not recorded: backward already freed this graph)";
  }
  // -- zoom: the SVG keeps its viewBox, so changing its size scales the drawing ----------------
  var natural = [svg.width.baseVal.value, svg.height.baseVal.value], scale = 1;
  function zoom(factor) {
    scale = Math.min(4, Math.max(0.05, factor));
    svg.setAttribute("width", natural[0] * scale);
    svg.setAttribute("height", natural[1] * scale);
  }
  document.getElementById("zoomin").addEventListener("click", function () { zoom(scale * 1.25); });
  document.getElementById("zoomout").addEventListener("click", function () { zoom(scale / 1.25); });
  document.getElementById("zoomfit").addEventListener("click", function () {
    var area = document.getElementById("graph");
    zoom(Math.min((area.clientWidth - 20) / natural[0], (area.clientHeight - 20) / natural[1]));
  });
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  document.body.setAttribute("data-ready", "1");
})();
