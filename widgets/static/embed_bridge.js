// src/embed_bridge.js
var PROTOCOL = 1;
var LOCAL_METHODS = /* @__PURE__ */ new Set(["print"]);
function render({ model, el }) {
  el.style.display = "none";
  el.setAttribute("aria-hidden", "true");
  const output = el.closest(".jp-OutputArea-child");
  if (output) output.style.display = "none";
  const cell = el.closest(".bheem-cell");
  if (cell && ![...cell.querySelectorAll(".jp-OutputArea-child")].some((o) => o.style.display !== "none")) {
    cell.style.display = "none";
  }
  const parent = window.parent !== window ? window.parent : null;
  const allowed = () => new Set(model.get("origins") || []);
  window.__bheemEmbedRejected = window.__bheemEmbedRejected || 0;
  function post(message, origin) {
    if (!parent) return;
    const payload = { ...message, protocol: PROTOCOL, dashboard: model.get("dashboard") };
    const targets = origin ? [origin] : [...allowed()];
    for (const target of targets) parent.postMessage(payload, target);
  }
  const emit = (event, data) => post({ type: "bheem:event", event, data });
  const pending = /* @__PURE__ */ new Map();
  function onMessage(event) {
    const msg = event.data;
    if (!msg || typeof msg !== "object" || msg.type !== "bheem:request") return;
    if (event.source !== parent || !allowed().has(event.origin) || typeof msg.id !== "string") {
      window.__bheemEmbedRejected += 1;
      return;
    }
    if (LOCAL_METHODS.has(msg.method)) {
      post({ type: "bheem:response", id: msg.id, ok: true, result: true }, event.origin);
      window.print();
      return;
    }
    pending.set(msg.id, event.origin);
    model.send({ type: "request", id: msg.id, method: String(msg.method), params: msg.params || {} });
  }
  window.addEventListener("message", onMessage);
  model.on("msg:custom", (msg) => {
    if (!msg || msg.type !== "response" || !pending.has(msg.id)) return;
    const origin = pending.get(msg.id);
    pending.delete(msg.id);
    post({ type: "bheem:response", id: msg.id, ok: msg.ok, result: msg.result, error: msg.error }, origin);
    if (!msg.ok) emit("error", { message: msg.error, requestId: msg.id });
  });
  model.on("change:filters", () => emit("filtersChanged", { filters: model.get("filters") }));
  model.on("change:page", () => emit("pageChanged", { page: model.get("page"), pages: model.get("pages") }));
  function onClick(event) {
    const cell2 = event.target instanceof Element ? event.target.closest("td[data-col]") : null;
    if (!cell2) return;
    const row = {};
    for (const td of cell2.parentElement.querySelectorAll("td[data-col]")) row[td.dataset.col] = parse(td.dataset.value);
    emit("dataSelected", { column: cell2.dataset.col, value: parse(cell2.dataset.value), row });
  }
  document.addEventListener("click", onClick);
  const announce = () => emit("loaded", {
    filters: model.get("filters"),
    pages: model.get("pages"),
    page: model.get("page"),
    locked: model.get("locked")
  });
  if (document.readyState === "complete") setTimeout(announce, 0);
  else window.addEventListener("load", announce, { once: true });
  return () => {
    window.removeEventListener("message", onMessage);
    document.removeEventListener("click", onClick);
  };
}
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
var embed_bridge_default = { render };
export {
  embed_bridge_default as default
};
