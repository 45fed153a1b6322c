// The screening page's helpers. The form works without this script.
import { request } from "../common/api.js";
import { gettext, interpolate, loadCatalog, pageLanguage } from "../common/i18n.js";

loadCatalog(pageLanguage()); // the words this script writes, in the page's language

// Shortcuts (listed on the page).
//  - Alt+<letter> jumps to the field or presses the button marked data-shortcut="<letter>".
//  - Y / N / U answer the focused screening question and move to the next one.
(function () {
  "use strict";
  var answers = { y: "yes", n: "no", u: "unknown" };
  var questions = Array.prototype.slice.call(document.querySelectorAll("fieldset.question"));

  function letterOf(event) {
    // event.code survives Alt on every layout ("KeyD"); event.key may not (e.g. macOS gives "∂").
    if (event.code && event.code.indexOf("Key") === 0) return event.code.slice(3).toLowerCase();
    return (event.key || "").toLowerCase();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey) return;
    var letter = letterOf(event);
    if (event.altKey) {
      var target = document.querySelector('[data-shortcut="' + letter + '"]');
      if (!target) return;
      event.preventDefault();
      if (target.tagName === "BUTTON" || target.tagName === "A") target.click();
      else target.focus();
      return;
    }
    var value = answers[letter];
    if (!value || event.shiftKey) return;
    var active = event.target;
    var fieldset = active && active.closest ? active.closest("fieldset.question") : null;
    if (!fieldset || (active.tagName === "INPUT" && active.type !== "radio")) return;
    var radio = fieldset.querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var next = questions[questions.indexOf(fieldset) + 1];
    var focusTarget = next ? next.querySelector("input:checked") || next.querySelector("input") : document.getElementById("btn-check");
    if (focusTarget) focusTarget.focus();
  });
})();

// Live preview: as answers change, ask the server what the policy says (nothing is recorded).
(function () {
  "use strict";
  var form = document.getElementById("screen-form");
  var panel = document.getElementById("live-result");
  var labelsNode = document.getElementById("response-labels");
  if (!form || !panel || !window.fetch) return;
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var pending = 0;

  function answers() {
    var out = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fs) {
      var checked = fs.querySelector("input:checked");
      if (checked) out[fs.getAttribute("data-key")] = checked.value;
    });
    return out;
  }

  function render(body) {
    var state = body.state || body.response_type;
    panel.className = "notice result result-" + state;
    panel.textContent = "";
    var heading = document.createElement("strong");
    heading.textContent = interpolate(gettext("Policy says: %(response)s · priority %(priority)s"), { response: labels[state] || state, priority: body.priority });
    panel.appendChild(heading);
    var list = document.createElement("ul");
    body.reasons.forEach(function (reason) {
      var item = document.createElement("li");
      item.textContent = reason;
      list.appendChild(item);
    });
    panel.appendChild(list);
    panel.hidden = false;
  }

  function preview() {
    var callType = form.querySelector("#id_call_type").value;
    if (!callType) { panel.hidden = true; return; }
    var ticket = ++pending;
    request("/api/v1/intake/screen/", {
      method: "POST",
      csrf: form.querySelector("[name=csrfmiddlewaretoken]").value,
      body: { call_type: callType, answers: answers(), dry_run: true },
    }).then(function (answer) {
      if (answer.ok && ticket === pending) render(answer.body);
    }).catch(function () { /* the Check button still works */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target.id === "id_call_type" || event.target.type === "radio") preview();
  });
})();

// After a refused submit, the first field that needs attention has the focus (the server also marks it
// with autofocus; this covers browsers that ignore autofocus after a POST).
(function () {
  "use strict";
  var summary = document.getElementById("screen-errors");
  var name = summary && summary.getAttribute("data-first-error");
  if (!name) return;
  var target = document.getElementById("id_" + name);
  if (target && target.tagName === "FIELDSET") target = target.querySelector("input");
  if (target && document.activeElement !== target) target.focus();
})();

// Location autocomplete (a WAI-ARIA combobox): typed text asks the program's own geocoder for
// candidates; Arrow keys move, Enter or a click picks one, which fills the coordinates and marks the
// location as picked by the call-taker. Typing again, or editing the coordinates, unmarks it.
(function () {
  "use strict";
  var input = document.getElementById("id_location_text");
  var list = document.getElementById("location-candidates");
  var status = document.getElementById("location-status");
  var picked = document.getElementById("id_location_picked");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (!input || !list || !window.fetch) return;
  var url = input.getAttribute("data-geocode-url");
  var candidates = [];
  var active = -1;
  var timer = null;
  var ticket = 0;

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    Array.prototype.forEach.call(options, function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function show(found) {
    candidates = found;
    list.textContent = "";
    found.forEach(function (candidate, i) {
      var option = document.createElement("li");
      option.id = "location-candidate-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = candidate.label + (candidate.district ? " · " + candidate.district : "");
      option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
      list.appendChild(option);
    });
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    status.textContent = found.length
      ? interpolate(gettext("%(count)s places match: use the arrow keys and Enter to pick one."), { count: found.length })
      : gettext("No place in the program's address list matches.");
    active = -1;
  }

  function pick(index) {
    var candidate = candidates[index];
    if (!candidate) return;
    input.value = candidate.label;
    lat.value = String(candidate.latitude);
    lon.value = String(candidate.longitude);
    picked.value = "1";
    close();
    status.textContent = interpolate(gettext("Location set: %(label)s."), { label: candidate.label });
  }

  function lookup() {
    var text = input.value.trim();
    if (text.length < 3) { close(); return; }
    var mine = ++ticket;
    request(url + "?q=" + encodeURIComponent(text)).then(function (answer) {
      if (mine !== ticket || document.activeElement !== input) return;
      if (answer.ok) show(answer.body.results);
    }).catch(function () { /* the call-taker can still type the coordinates */ });
  }

  input.addEventListener("input", function () {
    picked.value = "";
    clearTimeout(timer);
    timer = setTimeout(lookup, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowDown" && candidates.length) {
      event.preventDefault();
      if (list.hidden) show(candidates);
      highlight(Math.min(active + 1, candidates.length - 1));
    } else if (event.key === "ArrowUp" && !list.hidden) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault(); // pick, do not submit the form
      pick(active);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  [lat, lon].forEach(function (field) {
    field.addEventListener("input", function () { picked.value = ""; });
  });
})();
