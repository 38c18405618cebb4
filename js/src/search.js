import { renderChoices } from "./lib/choices.js";

export default { render: (ctx) => renderChoices(ctx, "search") };
