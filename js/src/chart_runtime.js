// The Vega runtime (vega, vega-lite, vega-embed, bundled from npm): loaded ONCE per page by one hidden
// widget model, then shared by every chart through globalThis, so ten charts do not ship ten copies.
import embed from "vega-embed";

globalThis.__bnVegaEmbed = embed;
globalThis.dispatchEvent(new Event("bn-vega-ready"));

export default { initialize() {}, render() {} };
