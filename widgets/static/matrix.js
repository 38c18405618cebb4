function o(t,r={},...l){let e=document.createElement(t);for(let[n,i]of Object.entries(r))i==null||i===!1||(n.startsWith("on")?e.addEventListener(n.slice(2),i):n==="class"?e.className=i:n in e&&typeof i!="string"?e[n]=i:e.setAttribute(n,i===!0?"":String(i)));for(let n of l.flat())n==null||n===!1||e.append(n instanceof Node?n:document.createTextNode(String(n)));return e}var m=`
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
`;function p(){if(typeof document>"u"||document.getElementById("bn-visual-styles"))return;let t=document.createElement("style");t.id="bn-visual-styles",t.textContent=m,document.head.append(t)}var f=t=>`${(Math.max(0,Math.min(1,Number(t)||0))*100).toFixed(1)}%`;function d(t,r,l){if(!r)return t;p(),r.background&&(t.style.background=r.background),r.color&&(t.style.color=r.color),r["font-weight"]&&(t.style.fontWeight=r["font-weight"]),r["font-style"]&&(t.style.fontStyle=r["font-style"]);let e=r.bar;if(e&&typeof e=="object"){t.classList.add("bn-bar");let i=Math.min(e.start??0,e.end??0),s=Math.max(e.start??0,e.end??0);t.replaceChildren(...[o("span",{class:"bn-fill",style:`left:${f(i)};width:${f(s-i)};background:${e.color||"#56B4E9"}`}),e.axis!==void 0&&e.axis!==null&&e.axis>0&&e.axis<1?o("span",{class:"bn-axis",style:`left:${f(e.axis)}`}):null,o("span",{class:"bn-text"},r.show_value===!1?"":l)].filter(Boolean))}let n=r.icon;if(n){let i=typeof n=="object"?n.symbol:n,s=typeof n=="object"?n.color:null;t.prepend(o("span",{class:"bn-icon",role:"img","aria-label":n&&n.name||"icon",style:s?`color:${s}`:""},`${i} `))}return t}function g({model:t,el:r}){p();let l=o("div",{class:"bn-visual bn-matrix-wrap"});r.append(l);let e=null;function n(){if(t.get("error")){l.replaceChildren(o("div",{class:"bn-error",role:"alert"},t.get("error")));return}let i=t.get("header")||[],s=(t.get("body")||[]).map(a=>{let b=JSON.stringify(a.path),x=a.expandable?o("button",{type:"button",class:"bn-expand","aria-expanded":String(a.expanded),"aria-label":`${a.expanded?"Collapse":"Expand"} ${a.label}`,"data-path":b,onclick:()=>{e=b,t.send({event:"toggle",path:a.path})}},a.expanded?"\u25BE":"\u25B8"):null,h=o("th",{scope:"row",style:`padding-left:${10+a.level*20+(a.expandable?0:28)}px`},x,a.label);return o("tr",{class:a.total?"bn-total":"","data-level":a.level,"data-path":b},h,a.cells.map(c=>d(o("td",{class:`num${c.row_total?" bn-rowtotal":""}`,"data-value":JSON.stringify(c.value),"data-measure":c.measure},c.text),c.style,c.text)))}),u=o("table",{class:"bn-matrix"},t.get("title")?o("caption",{},t.get("title")):null,o("thead",{},o("tr",{},o("th",{scope:"col"},t.get("row_header")),i.map(a=>o("th",{scope:"col",class:"num","data-member":JSON.stringify(a.member)},a.label)))),o("tbody",{},s));if(l.replaceChildren(u),l.dataset.version=String(t.get("version")),e){let a=l.querySelector(`button[data-path='${CSS.escape(e)}']`);a&&a.focus(),e=null}}n(),t.on("change:version",n)}var C={render:g};export{C as default};
