/* The rating sheet, in place: each cell's form (and each process's citation form) is sent
   with fetch and the cell the server answers replaces it, so nothing reloads the page.
   Without this script the same forms post normally and the page comes back at the cell.
   No library: fetch, FormData and the DOM. */
(function () {
  "use strict";

  function updateProgress(root) {
    var out = root.querySelector("output[data-progress]");
    var progress = document.getElementById("sheet-progress");
    if (!out || !progress) return;
    progress.querySelector("span").textContent = out.dataset.progress;
    var bar = progress.querySelector("progress");
    bar.max = out.dataset.total;
    bar.value = out.dataset.rated;
  }

  function swap(id, html) {
    var old = document.getElementById(id);
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("#" + CSS.escape(id));
    if (!old || !fresh) return null;
    old.replaceWith(fresh);
    enhance(fresh);
    return fresh;
  }

  async function send(form) {
    var id = form.dataset.inplace;
    var status = form.querySelector(".cell-status");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    if (status) status.textContent = form.closest("[data-sheet]").dataset.saving || "…";
    try {
      var response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      var html = await response.text();
      if (response.status >= 500 || !/data-inplace|id="/.test(html)) throw new Error(response.status);
      var fresh = swap(id, html);
      if (!fresh) throw new Error("no fragment");
      updateProgress(fresh);
      var focus = fresh.querySelector(".errornote, .errorlist") || fresh.querySelector(".cell-status");
      if (focus && focus.classList.contains("errornote")) focus.setAttribute("tabindex", "-1"), focus.focus();
    } catch (error) {
      // Keep what she typed; say it was not saved.
      form.removeAttribute("aria-busy");
      if (button) button.disabled = false;
      if (status) status.textContent = form.closest("[data-sheet]").dataset.offline;
    }
  }

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  async function lookup(url, params) {
    var response = await fetch(url + "?" + new URLSearchParams(params), { credentials: "same-origin" });
    return (await response.json()).results;
  }

  function fill(select, results, keepFirst) {
    var first = keepFirst ? select.options[0] : null;
    var current = select.value;
    select.replaceChildren();
    if (first) select.append(first);
    results.forEach(function (r) {
      var option = new Option(r.text, r.id);
      if (r.articles !== undefined) option.dataset.articles = r.articles;
      select.append(option);
    });
    if ([].some.call(select.options, function (o) { return o.value === current; })) select.value = current;
  }

  function enhanceEvidence(form) {
    var search = form.querySelector("input[type=search][data-lookup]");
    var act = form.querySelector("select[name$='-act']");
    var edition = form.querySelector("select[name$='-edition']");
    var article = form.querySelector("input[name$='-article']");
    var datalist = form.querySelector("datalist");
    var hint = form.querySelector(".articles-hint");
    if (!search || !act || !edition) return;
    search.closest(".act-search").hidden = false;
    search.addEventListener("input", debounce(async function () {
      fill(act, await lookup(search.dataset.lookup, { q: search.value }), true);
      if (act.options.length === 2) { act.selectedIndex = 1; act.dispatchEvent(new Event("change")); }
    }, 200));
    act.addEventListener("change", async function () {
      fill(edition, act.value ? await lookup(form.dataset.editions, { act: act.value }) : [], true);
      edition.dispatchEvent(new Event("change"));
    });
    edition.addEventListener("change", function () {
      var chosen = edition.selectedOptions[0];
      hint.textContent = chosen && chosen.dataset.articles ? hint.dataset.prefix + " " + chosen.dataset.articles : "";
      datalist.replaceChildren();
    });
    article.addEventListener("input", debounce(async function () {
      if (!edition.value || !article.value) return;
      var found = await lookup(form.dataset.articles, { edition: edition.value, q: article.value });
      datalist.replaceChildren.apply(datalist, found.map(function (r) { return new Option(r.text); }));
    }, 150));
    if (act.value) act.dispatchEvent(new Event("change"));
  }

  function enhance(root) {
    root.querySelectorAll("form.evidence-form").forEach(enhanceEvidence);
    if (root.matches && root.matches("form.evidence-form")) enhanceEvidence(root);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-inplace]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    send(form);
  });
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
})();
