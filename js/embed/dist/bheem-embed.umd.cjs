var __bheemEmbed = (() => {
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __export = (target, all) => {
    for (var name in all)
      __defProp(target, name, { get: all[name], enumerable: true });
  };
  var __copyProps = (to, from, except, desc) => {
    if (from && typeof from === "object" || typeof from === "function") {
      for (let key of __getOwnPropNames(from))
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
    }
    return to;
  };
  var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

  // src/index.js
  var index_exports = {};
  __export(index_exports, {
    BheemEmbed: () => BheemEmbed,
    BheemEmbedError: () => BheemEmbedError,
    PROTOCOL: () => PROTOCOL,
    buildEmbedSrc: () => buildEmbedSrc,
    default: () => index_default
  });
  var PROTOCOL = 1;
  var EVENTS = ["loaded", "error", "dataSelected", "filtersChanged", "pageChanged"];
  var BheemEmbedError = class extends Error {
    constructor(message, code) {
      super(message);
      this.name = "BheemEmbedError";
      this.code = code;
    }
  };
  function resolveContainer(container) {
    const el = typeof container === "string" ? document.querySelector(container) : container;
    if (!el || typeof el.appendChild !== "function") {
      throw new BheemEmbedError(`container ${String(container)} is not an element on this page`, "container");
    }
    return el;
  }
  function buildEmbedSrc({ embedUrl, type = "dashboard", id, accessToken, settings = {} }) {
    if (type !== "dashboard") throw new BheemEmbedError(`type ${JSON.stringify(type)}: only "dashboard" can be embedded`, "type");
    if (!embedUrl) throw new BheemEmbedError("embedUrl is required (the dashboard server's address)", "embedUrl");
    const url = new URL(embedUrl);
    if (id && !url.pathname.endsWith(".ipynb")) {
      const base = url.pathname.replace(/\/+$/, "");
      url.pathname = `${base}/voila/render/${String(id).split("/").map(encodeURIComponent).join("/")}.ipynb`;
    }
    if (accessToken) url.searchParams.set("embed_token", accessToken);
    if (settings.theme) url.searchParams.set("theme", settings.theme);
    return url.toString();
  }
  var BheemEmbed = class {
    /**
     * @param {import("./index").BheemEmbedOptions} options
     */
    constructor(options) {
      const { container, settings = {}, filters, timeoutMs = 15e3 } = options || {};
      this.container = resolveContainer(container);
      this.src = buildEmbedSrc(options);
      this.origin = new URL(this.src).origin;
      this.timeoutMs = timeoutMs;
      this.initialFilters = filters;
      this.listeners = new Map(EVENTS.map((e) => [e, /* @__PURE__ */ new Set()]));
      this.pending = /* @__PURE__ */ new Map();
      this.counter = 0;
      this.isLoaded = false;
      const frame = document.createElement("iframe");
      frame.src = this.src;
      frame.title = settings.title || "Dashboard";
      frame.setAttribute("allow", "fullscreen");
      frame.setAttribute("allowfullscreen", "");
      frame.style.border = "0";
      frame.style.width = settings.width || "100%";
      frame.style.height = settings.height || "600px";
      this.iframe = frame;
      this.onMessage = this.onMessage.bind(this);
      window.addEventListener("message", this.onMessage);
      this.container.appendChild(frame);
    }
    on(event, handler) {
      this.listenersFor(event).add(handler);
      return () => this.off(event, handler);
    }
    off(event, handler) {
      this.listenersFor(event).delete(handler);
    }
    setFilters(filters) {
      return this.request("setFilters", { filters });
    }
    getFilters() {
      return this.request("getFilters");
    }
    clearFilters() {
      return this.request("clearFilters");
    }
    refresh() {
      return this.request("refresh");
    }
    exportData(format = "csv", view = 0) {
      return this.request("exportData", { format, view });
    }
    setPage(page) {
      return this.request("setPage", { page });
    }
    getPages() {
      return this.request("getPages");
    }
    print() {
      return this.request("print");
    }
    /** Show the dashboard full screen (the host page owns the iframe, so it asks the browser directly). */
    fullscreen() {
      if (!this.iframe.requestFullscreen) return Promise.reject(new BheemEmbedError("fullscreen is not supported", "fullscreen"));
      return this.iframe.requestFullscreen();
    }
    destroy() {
      window.removeEventListener("message", this.onMessage);
      for (const { reject, timer } of this.pending.values()) {
        clearTimeout(timer);
        reject(new BheemEmbedError("the embed was destroyed", "destroyed"));
      }
      this.pending.clear();
      this.iframe.remove();
    }
    // -- protocol ------------------------------------------------------------------------------
    request(method, params = {}) {
      const id = `bheem-${Date.now().toString(36)}-${this.counter += 1}-${Math.random().toString(36).slice(2, 8)}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          const error = new BheemEmbedError(`${method}: no answer from the dashboard within ${this.timeoutMs} ms`, "timeout");
          this.emit("error", { message: error.message, code: "timeout", method });
          reject(error);
        }, this.timeoutMs);
        this.pending.set(id, { resolve, reject, timer, method });
        const target = this.iframe.contentWindow;
        if (!target) {
          clearTimeout(timer);
          this.pending.delete(id);
          reject(new BheemEmbedError("the dashboard frame is not attached", "detached"));
          return;
        }
        target.postMessage({ type: "bheem:request", protocol: PROTOCOL, id, method, params }, this.origin);
      });
    }
    onMessage(event) {
      if (event.origin !== this.origin || event.source !== this.iframe.contentWindow) return;
      const msg = event.data;
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "bheem:response") {
        const waiting = this.pending.get(msg.id);
        if (!waiting) return;
        this.pending.delete(msg.id);
        clearTimeout(waiting.timer);
        if (msg.ok) waiting.resolve(msg.result);
        else waiting.reject(new BheemEmbedError(`${waiting.method}: ${msg.error}`, "refused"));
      } else if (msg.type === "bheem:event" && EVENTS.includes(msg.event)) {
        if (msg.event === "loaded") this.handleLoaded(msg.data);
        else this.emit(msg.event, msg.data);
      }
    }
    async handleLoaded(data) {
      if (this.isLoaded) return;
      this.isLoaded = true;
      let state = data;
      if (this.initialFilters && Object.keys(this.initialFilters).length) {
        try {
          state = { ...data, filters: await this.setFilters(this.initialFilters) };
        } catch (error) {
          this.emit("error", { message: error.message, code: error.code || "refused", method: "setFilters" });
        }
      }
      this.emit("loaded", state);
    }
    emit(event, data) {
      for (const handler of this.listenersFor(event)) {
        try {
          handler(data);
        } catch (error) {
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
    listenersFor(event) {
      const set = this.listeners.get(event);
      if (!set) throw new BheemEmbedError(`unknown event ${JSON.stringify(event)}; events: ${EVENTS.join(", ")}`, "event");
      return set;
    }
  };
  var index_default = BheemEmbed;
  return __toCommonJS(index_exports);
})();

(function (root, api) {
  if (typeof module === "object" && module.exports) module.exports = api;
  else if (typeof define === "function" && define.amd) define([], function () { return api; });
  else { root.BheemEmbed = api.BheemEmbed; root.BheemEmbedSDK = api; }
})(typeof self !== "undefined" ? self : this, __bheemEmbed);
