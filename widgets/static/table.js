function a(e,o={},...i){let n=document.createElement(e);for(let[t,r]of Object.entries(o))r==null||r===!1||(t.startsWith("on")?n.addEventListener(t.slice(2),r):t==="class"?n.className=r:t in n&&typeof r!="string"?n[t]=r:n.setAttribute(t,r===!0?"":String(r)));for(let t of i.flat())t==null||t===!1||n.append(t instanceof Node?t:document.createTextNode(String(t)));return n}var d=`
.bn-visual { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; width: 100%;
  box-sizing: border-box; margin: 4px 0; }
.bn-visual-title { font-weight: 600; font-size: 15px; margin: 0 0 4px; }
.bn-chart-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; min-height: 36px; }
.bn-crumbs ol { display: flex; flex-wrap: wrap; list-style: none; margin: 0; padding: 0; align-items: center; }
.bn-crumbs li + li::before { content: "\u203A"; color: #616e7c; padding: 0 6px; }
.bn-crumbs button, .bn-chart-btn { min-height: 32px; padding: 2px 10px; border: 1px solid #9aa5b1; border-radius: 6px;
  background: #fff; cursor: pointer; font: inherit; color: #1f2933; }
.bn-crumbs button { border-color: transparent; color: #1a4fb4; text-decoration: underline; padding: 2px 4px; }
.bn-crumbs [aria-current] { font-weight: 600; padding: 2px 4px; }
.bn-chart-btn[aria-pressed="true"] { background: #2f6fde; border-color: #2f6fde; color: #fff; }
.bn-chart-btn[hidden] { display: none; }
.bn-chart-btn:disabled { opacity: .45; cursor: default; }
.bn-chart-btn:focus-visible, .bn-crumbs button:focus-visible, .bn-matrix button:focus-visible {
  outline: 2px solid #2f6fde; outline-offset: 1px; }
.bn-chart-plot { width: 100%; min-height: 120px; }
.bn-chart-plot .vega-embed { width: 100%; }
.bn-chart-plot .vega-embed .mark-rect path, .bn-chart-plot .vega-embed path { cursor: pointer; }
.bn-chart-status { color: #52606d; font-size: 12px; min-height: 16px; }
.bn-chart-link { color: #1a4fb4; }
.bn-kpi { display: inline-flex; flex-direction: column; gap: 2px; min-width: 180px; max-width: 100%; padding: 12px 16px;
  border: 1px solid #e4e7eb; border-radius: 8px; background: #fff; box-sizing: border-box; }
.bn-kpi-label { color: #52606d; font-size: 13px; font-weight: 600; }
.bn-kpi-value { font-size: clamp(20px, 5vw, 28px); overflow-wrap: anywhere; font-weight: 700; font-variant-numeric: tabular-nums; }
.bn-kpi-delta { font-size: 13px; font-variant-numeric: tabular-nums; }
.bn-kpi-delta.bn-good { color: #0a7d3e; }
.bn-kpi-delta.bn-bad { color: #b3261e; }
.bn-kpi-spark { display: block; margin-top: 4px; }
.bn-matrix-wrap { overflow-x: auto; }
.bn-matrix { border-collapse: collapse; min-width: 320px; font-variant-numeric: tabular-nums; }
.bn-matrix caption { text-align: left; font-weight: 600; padding: 4px 0; }
.bn-matrix th, .bn-matrix td { padding: 4px 10px; border-bottom: 1px solid #e4e7eb; text-align: left; white-space: nowrap; }
.bn-matrix thead th { background: #f5f7fa; }
.bn-matrix tbody th { font-weight: 400; }
.bn-matrix tbody tr[data-level="0"] th { font-weight: 600; }
.bn-matrix td.num, .bn-matrix th.num { text-align: right; }
.bn-matrix tr.bn-total th, .bn-matrix tr.bn-total td { font-weight: 700; border-top: 2px solid #9aa5b1; }
.bn-matrix td.bn-rowtotal { font-weight: 600; background: #f8fafc; }
.bn-matrix .bn-expand { min-width: 28px; min-height: 28px; border: none; background: none; cursor: pointer; font: inherit; }
.bn-bar { position: relative; }
.bn-bar > span.bn-fill { position: absolute; top: 3px; bottom: 3px; left: 0; opacity: .35; }
.bn-bar > span.bn-text { position: relative; }
.bn-bar > span.bn-axis { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #616e7c; }
@media (max-width: 600px) { .bn-kpi { width: 100%; } .bn-crumbs button, .bn-chart-btn { min-height: 44px; } }
`;function f(){if(typeof document>"u"||document.getElementById("bn-visual-styles"))return;let e=document.createElement("style");e.id="bn-visual-styles",e.textContent=d,document.head.append(e)}var p=e=>`${(Math.max(0,Math.min(1,Number(e)||0))*100).toFixed(1)}%`;function u(e,o,i){if(!o)return e;f(),o.background&&(e.style.background=o.background),o.color&&(e.style.color=o.color),o["font-weight"]&&(e.style.fontWeight=o["font-weight"]),o["font-style"]&&(e.style.fontStyle=o["font-style"]);let n=o.bar;if(n&&typeof n=="object"){e.classList.add("bn-bar");let r=Math.min(n.start??0,n.end??0),s=Math.max(n.start??0,n.end??0);e.replaceChildren(...[a("span",{class:"bn-fill",style:`left:${p(r)};width:${p(s-r)};background:${n.color||"#56B4E9"}`}),n.axis!==void 0&&n.axis!==null&&n.axis>0&&n.axis<1?a("span",{class:"bn-axis",style:`left:${p(n.axis)}`}):null,a("span",{class:"bn-text"},o.show_value===!1?"":i)].filter(Boolean))}let t=o.icon;if(t){let r=typeof t=="object"?t.symbol:t,s=typeof t=="object"?t.color:null;e.prepend(a("span",{class:"bn-icon",role:"img","aria-label":t&&t.name||"icon",style:s?`color:${s}`:""},`${r} `))}return e}function x({model:e,el:o}){let i=a("div",{class:"bn-tableview"});o.append(i);function n(){let t=e.get("columns")||[],r=a("table",{class:"bn-table-view"},e.get("title")?a("caption",{},e.get("title")):null,a("thead",{},a("tr",{},t.map(l=>a("th",{scope:"col",class:l.numeric?"num":""},l.label)))),a("tbody",{},(e.get("rows")||[]).map(l=>a("tr",{},l.map((c,b)=>u(a("td",{class:t[b]&&t[b].numeric?"num":"","data-col":t[b]?t[b].name:"","data-value":JSON.stringify(c.value)},c.text),c.style,c.text)))))),s=e.get("error");i.replaceChildren(s?a("div",{class:"bn-error",role:"alert"},s):r),i.dataset.version=String(e.get("version")),i.setAttribute("aria-live","polite")}n(),e.on("change:version",n),e.on("change:title",n)}var S={render:x};export{S as default};
