// The dashboard side of the bheem embed protocol (an invisible anywidget on a published page).
//
// Host page (SDK)  --postMessage {type: "bheem:request", id, method, params}-->  this page
// this page        --custom widget msg-->  kernel (EmbedBridge.handle: policy, RLS, audit)
// kernel           --custom widget msg-->  this page  --postMessage {type: "bheem:response", id, ok, ...}--> host
// Events (loaded, filtersChanged, pageChanged, dataSelected, error) go to the parent only, only to allowed origins.
//
// A message is accepted only when it comes from window.parent and its origin is one the server allowed for
// this viewer (the `origins` trait, set by the kernel from the verified embed token). Everything else is dropped
// and counted in window.__bheemEmbedRejected (tests read it).

const PROTOCOL = 1;
const LOCAL_METHODS = new Set(["print"]);

function render({ model, el }) {
  el.style.display = "none";
  el.setAttribute("aria-hidden", "true");
  // take no room on the page: hide this output, and its cell when nothing else shows there
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

  const pending = new Map(); // request id -> origin that asked
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

  // a click on a table cell selects that row: {column, value, row: {column: value}}
  function onClick(event) {
    const cell = event.target instanceof Element ? event.target.closest("td[data-col]") : null;
    if (!cell) return;
    const row = {};
    for (const td of cell.parentElement.querySelectorAll("td[data-col]")) row[td.dataset.col] = parse(td.dataset.value);
    emit("dataSelected", { column: cell.dataset.col, value: parse(cell.dataset.value), row });
  }
  document.addEventListener("click", onClick);

  const announce = () => emit("loaded", {
    filters: model.get("filters"), pages: model.get("pages"), page: model.get("page"),
    locked: model.get("locked"),
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

export default { render };
