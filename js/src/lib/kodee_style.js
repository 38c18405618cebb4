// Styles of the Kodee chat, injected once per page (the shared widgets.css belongs to the slicers).
const CSS = `
.bn-kodee { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2430; border: 1px solid #d8dce6;
  border-radius: 10px; background: #fff; max-width: 960px; display: flex; flex-direction: column; }
.bn-kodee-head { padding: 10px 14px; border-bottom: 1px solid #eceef3; font-weight: 600; display: flex;
  justify-content: space-between; align-items: center; }
.bn-kodee-head button { font: inherit; font-weight: 400; font-size: 12px; }
.bn-kodee-log { padding: 10px 14px; display: flex; flex-direction: column; gap: 12px; max-height: 720px; overflow-y: auto; }
.bn-kodee-q { align-self: flex-end; background: #2f5bd3; color: #fff; padding: 6px 12px; border-radius: 14px 14px 2px 14px;
  max-width: 80%; }
.bn-kodee-a { align-self: stretch; background: #f6f7fb; border: 1px solid #e4e7ef; border-radius: 2px 12px 12px 12px;
  padding: 10px 12px; display: flex; flex-direction: column; gap: 8px; }
.bn-kodee-expl { margin: 0; }
.bn-kodee-meta { font-size: 12px; color: #5b6275; }
.bn-kodee-error { color: #a4001d; background: #fff0f2; border-radius: 6px; padding: 6px 8px; }
.bn-kodee-chart { background: #fff; border-radius: 6px; padding: 6px; min-height: 40px; width: 100%; box-sizing: border-box; }
.bn-kodee-table { border-collapse: collapse; font-size: 12.5px; background: #fff; }
.bn-kodee-table th, .bn-kodee-table td { border-bottom: 1px solid #eceef3; padding: 3px 8px; text-align: left; }
.bn-kodee-table th.num, .bn-kodee-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bn-kodee-sql textarea { width: 100%; box-sizing: border-box; font: 12px/1.4 ui-monospace, Menlo, monospace; min-height: 70px; }
.bn-kodee-row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.bn-kodee-chip { font: inherit; font-size: 12.5px; border: 1px solid #c9cfdd; background: #fff; border-radius: 14px;
  padding: 3px 10px; cursor: pointer; color: #2f5bd3; }
.bn-kodee-chip:hover, .bn-kodee-chip:focus-visible { background: #eef2fd; }
.bn-kodee-thumb { font: inherit; font-size: 12.5px; border: 1px solid #c9cfdd; background: #fff; border-radius: 6px; cursor: pointer; padding: 2px 8px; }
.bn-kodee-thumb[aria-pressed="true"] { background: #2f5bd3; color: #fff; border-color: #2f5bd3; }
.bn-kodee-form { display: flex; gap: 8px; padding: 10px 14px; border-top: 1px solid #eceef3; }
.bn-kodee-form input { flex: 1; font: inherit; padding: 7px 10px; border: 1px solid #c9cfdd; border-radius: 8px; }
.bn-kodee-form button { font: inherit; padding: 7px 16px; border-radius: 8px; border: 0; background: #2f5bd3; color: #fff;
  cursor: pointer; }
.bn-kodee-form button:disabled { background: #9aa7c7; cursor: progress; }
.bn-kodee-empty { color: #5b6275; }
`;

let injected = false;

export function injectKodeeStyles() {
  if (injected || typeof document === "undefined") return;
  injected = true;
  const style = document.createElement("style");
  style.setAttribute("data-bn", "kodee");
  style.textContent = CSS;
  document.head.append(style);
}
