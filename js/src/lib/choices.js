// The shared view of Dropdown, ListSlicer, Tile and Search: the same traitlets (options, value, multi,
// search, total, has_more), four layouts. Selecting nothing means "all". Options arrive one page at a
// time; "Show more" asks the kernel for the next page (a message naming the list it saw).
import { debounce, fmtCount, get, h, save, uid, watch } from "./dom.js";

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function renderChoices({ model, el }, layout) {
  const id = uid(layout);
  const root = h("div", { class: `bn-slicer bn-${layout}`, "data-slicer": layout });
  const label = h("div", { class: "bn-slicer-label", id: `${id}-label` });
  root.append(label);
  el.append(root);

  const selected = () => get(model, "value") || [];
  const isSelected = (v) => selected().some((s) => same(s, v));
  const setValue = (v) => save(model, "value", v);

  function toggle(v) {
    const multi = get(model, "multi");
    if (!multi) return setValue(isSelected(v) ? [] : [v]);
    setValue(isSelected(v) ? selected().filter((s) => !same(s, v)) : [...selected(), v]);
  }

  // "Select all": without a search it means no filter (ticked when nothing is picked; unticking it
  // changes nothing, so it is drawn ticked again). While searching it ticks or unticks the matches shown.
  const visible = () => (get(model, "options") || []).map((o) => o.value);
  function allTicked() {
    if (!get(model, "search")) return !selected().length;
    const shown = visible();
    return shown.length > 0 && shown.every(isSelected);
  }
  function selectAll(e) {
    const shown = visible();
    if (!get(model, "search")) setValue([]);
    else if (e.target.checked) setValue([...selected(), ...shown.filter((v) => !isSelected(v))]);
    else setValue(selected().filter((s) => !shown.some((v) => same(s, v))));
    draw();  // an unchanged value sends no change event, and the box must show the state in force
  }

  // search box (dropdown and list), debounced: the engine answers with the matching page
  const sendSearch = debounce((text) => save(model, "search", text), 300);
  const search = h("input", {
    type: "search", class: "bn-slicer-search", placeholder: "Search",
    "aria-label": "Search", oninput: (e) => sendSearch(e.target.value),
  });

  const list = h("div", {
    class: "bn-options", role: layout === "tile" ? "group" : "listbox",
    "aria-labelledby": `${id}-label`, "aria-multiselectable": layout === "tile" ? null : "true",
  });
  // the next page: the kernel drops a request made for an older list (another search, a double click)
  let asked = null;
  function askMore() {
    const shown = (model.get("options") || []).length;
    asked = { shown, focus: document.activeElement === moreButton };
    model.send({ event: "more", search: model.get("search"), shown });
  }
  const status = h("span", { class: "bn-more-status", "aria-live": "polite" });
  const moreButton = h("button", { type: "button", class: "bn-more-btn", hidden: true, onclick: askMore }, "Show more");
  const more = h("div", { class: "bn-more" }, status, moreButton);
  const chips = h("div", { class: "bn-chips", "aria-label": "Selected" });

  const cleanups = [];
  let button = null;
  let panel = null;
  if (layout === "dropdown") {
    button = h("button", {
      type: "button", class: "bn-dropdown-button", "aria-haspopup": "listbox", "aria-expanded": "false",
      "aria-labelledby": `${id}-label ${id}-summary`,
      onclick: () => setOpen(panel.hidden),
    }, h("span", { class: "bn-summary", id: `${id}-summary` }), h("span", { class: "bn-caret", "aria-hidden": "true" }, "▾"));
    panel = h("div", { class: "bn-panel", hidden: true }, search, list, more);
    root.append(button, panel);
    // Escape or a click outside closes the panel (the list may have been redrawn under the focus)
    const onKey = (e) => { if (e.key === "Escape" && !panel.hidden) { setOpen(false); button.focus(); } };
    const onClick = (e) => { if (!panel.hidden && !root.contains(e.target)) setOpen(false); };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    cleanups.push(() => { document.removeEventListener("keydown", onKey); document.removeEventListener("click", onClick); });
  } else if (layout === "list") {
    root.append(search, list, more);
  } else if (layout === "search") {
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.placeholder = "Type to search";
    root.append(chips, search, list, more);
  } else {
    root.append(list);
  }

  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) search.focus();
  }

  function summary() {
    const v = selected();
    if (!v.length) return "All";
    if (v.length === 1) return String(v[0] ?? "(blank)");
    return `${v.length} selected`;
  }

  function draw() {
    label.textContent = get(model, "label");
    if (button) button.querySelector(".bn-summary").textContent = summary();
    const opts = get(model, "options") || [];
    const rows = [];
    if (layout === "search") {
      chips.replaceChildren(...selected().map((v) => h("button", {
        type: "button", class: "bn-chip", "aria-label": `Remove ${v}`, onclick: () => toggle(v),
      }, String(v ?? "(blank)"), h("span", { "aria-hidden": "true" }, " ×"))));
    }
    if (layout === "search") {
      // no "select all" over a column too big to list
    } else if (layout !== "tile" && get(model, "multi")) {
      const all = allTicked();
      rows.push(h("label", { class: "bn-option bn-select-all", role: "option", "aria-selected": String(all), "data-value": "*" },
        h("input", { type: "checkbox", checked: all, onchange: selectAll }), h("span", {}, "Select all")));
    } else if (layout === "tile") {
      rows.push(h("button", {
        type: "button", class: "bn-tile-btn" + (selected().length ? "" : " bn-on"), "aria-pressed": String(!selected().length),
        onclick: () => setValue([]),
      }, "All"));
    }
    for (const o of opts) {
      const on = isSelected(o.value);
      if (layout === "tile") {
        rows.push(h("button", {
          type: "button", class: "bn-tile-btn" + (on ? " bn-on" : ""), "aria-pressed": String(on), "data-value": JSON.stringify(o.value),
          title: `${o.label}: ${fmtCount(o.count)}`, onclick: () => toggle(o.value),
        }, o.label));
      } else {
        rows.push(h("label", { class: "bn-option", role: "option", "aria-selected": String(on), "data-value": JSON.stringify(o.value) },
          h("input", { type: get(model, "multi") ? "checkbox" : "radio", name: id, checked: on, onchange: () => toggle(o.value) }),
          h("span", { class: "bn-option-label" }, o.label),
          h("span", { class: "bn-count" }, fmtCount(o.count))));
      }
    }
    // keep keyboard focus on the same option across redraws
    const focused = list.contains(document.activeElement) ? document.activeElement.closest("[data-value]") : null;
    const focusKey = focused ? focused.getAttribute("data-value") : null;
    list.replaceChildren(...rows);
    if (focusKey !== null) {
      const again = [...list.querySelectorAll("[data-value]")].find((n) => n.getAttribute("data-value") === focusKey);
      if (again) (again.matches("button") ? again : again.querySelector("input")).focus();
    }
    // a page came in after "Show more": focus its first option (the button may be gone now)
    if (asked && opts.length > asked.shown) {
      const key = JSON.stringify(opts[asked.shown].value);
      const first = [...list.querySelectorAll("[data-value]")].find((n) => n.getAttribute("data-value") === key);
      const idle = [moreButton, document.body, null].includes(document.activeElement);
      if (first && asked.focus && idle) (first.matches("button") ? first : first.querySelector("input")).focus();
      asked = null;
    } else if (asked && opts.length < asked.shown) {
      asked = null;  // a new search or filter started the list again
    }
    const hasMore = layout !== "tile" && get(model, "has_more");
    const total = get(model, "total");
    const shown = opts.length;
    const searching = Boolean(get(model, "search"));
    const noun = (n) => `${fmtCount(n)} ${n === 1 ? "match" : "matches"}`;
    status.textContent = hasMore ? `${fmtCount(shown)} shown, more ${searching ? "match" : "follow"}`
      : searching && total >= 0 ? (total ? noun(total) : "No matches") : "";
    moreButton.hidden = !hasMore;
    moreButton.setAttribute("aria-label", `Show more ${get(model, "label")} options`);
    if (document.activeElement !== search) search.value = get(model, "search");
  }

  draw();
  const unwatch = watch(model, ["options", "value", "label", "multi", "total", "has_more", "search"], draw);
  return () => {
    unwatch();
    for (const undo of cleanups) undo();
  };
}
