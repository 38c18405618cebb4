// Styles of the insights panel and the profile view, injected once per page (widgets.css belongs to the slicers).
const CSS = `
.bn-insights, .bn-profile { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
.bn-insights h2, .bn-profile h2 { font-size: 16px; margin: 4px 0 8px; }
.bn-insight-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.bn-insight { border: 1px solid #cbd2d9; border-radius: 8px; padding: 10px 12px; background: #fff; }
.bn-insight.bn-weak { border-style: dashed; background: #fafbfc; }
.bn-insight-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 4px; }
.bn-insight-kind { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #3e4c59; }
.bn-score { font-variant-numeric: tabular-nums; font-size: 12px; font-weight: 600; border-radius: 10px; padding: 1px 8px;
  background: #e4e7eb; color: #1f2933; }
.bn-score.bn-strong { background: #1d4ed8; color: #fff; }
.bn-insight p { margin: 0 0 6px; }
.bn-insight-chart { min-height: 100px; overflow-x: auto; }
.bn-empty-note { color: #52606d; }
.bn-profile-wrap { overflow-x: auto; }
.bn-profile table { border-collapse: collapse; font-size: 13px; }
.bn-profile .bn-clip { display: inline-block; max-width: 100px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  vertical-align: bottom; }
.bn-profile caption { text-align: left; padding: 4px 0 8px; color: #3e4c59; }
.bn-profile th, .bn-profile td { padding: 4px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
.bn-profile th { background: #f5f7fa; font-weight: 600; white-space: nowrap; }
.bn-profile td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bn-profile .bn-type { color: #52606d; font-size: 12px; }
.bn-qbar { display: flex; width: 110px; height: 10px; border-radius: 3px; overflow: hidden; background: #e4e7eb; margin-top: 3px; }
.bn-qbar span { display: block; height: 100%; }
.bn-q-valid { background: #2f855a; } .bn-q-empty { background: #d69e2e; } .bn-q-error { background: #c53030; }
.bn-q-null { background: #a0aec0; }
.bn-topvals { display: grid; grid-template-columns: 120px 50px 40px; gap: 2px 6px; font-size: 12px; }
.bn-tv-pct { text-align: right; font-variant-numeric: tabular-nums; color: #52606d; }
.bn-topvals .bn-tv-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bn-tv-bar { background: #e4e7eb; height: 10px; border-radius: 2px; margin-top: 3px; }
.bn-tv-bar span { display: block; height: 100%; background: #2f6fde; border-radius: 2px; }
.bn-pattern { display: inline-block; font-size: 11px; border: 1px solid #9aa5b1; border-radius: 8px; padding: 0 6px; }
`;

export function injectInsightStyles() {
  if (document.getElementById("bn-insights-style")) return;
  const style = document.createElement("style");
  style.id = "bn-insights-style";
  style.textContent = CSS;
  document.head.append(style);
}

export const fmt = (v, digits = 2) => {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    return v.toLocaleString("en-US", { maximumFractionDigits: digits });
  }
  return String(v);
};
