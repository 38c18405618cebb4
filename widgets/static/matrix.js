function a(e,r={},...l){let n=document.createElement(e);for(let[o,i]of Object.entries(r))i==null||i===!1||(o.startsWith("on")?n.addEventListener(o.slice(2),i):o==="class"?n.className=i:o in n&&typeof i!="string"?n[o]=i:n.setAttribute(o,i===!0?"":String(i)));for(let o of l.flat())o==null||o===!1||n.append(o instanceof Node?o:document.createTextNode(String(o)));return n}var w=`
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
`;function f(){if(typeof document>"u"||document.getElementById("bn-visual-styles"))return;let e=document.createElement("style");e.id="bn-visual-styles",e.textContent=w,document.head.append(e)}var h=e=>`${(Math.max(0,Math.min(1,Number(e)||0))*100).toFixed(1)}%`;function m(e,r,l){if(!r)return e;f(),r.background&&(e.style.background=r.background),r.color&&(e.style.color=r.color),r["font-weight"]&&(e.style.fontWeight=r["font-weight"]),r["font-style"]&&(e.style.fontStyle=r["font-style"]);let n=r.bar;if(n&&typeof n=="object"){e.classList.add("bn-bar");let i=Math.min(n.start??0,n.end??0),c=Math.max(n.start??0,n.end??0);e.replaceChildren(...[a("span",{class:"bn-fill",style:`left:${h(i)};width:${h(c-i)};background:${n.color||"#56B4E9"}`}),n.axis!==void 0&&n.axis!==null&&n.axis>0&&n.axis<1?a("span",{class:"bn-axis",style:`left:${h(n.axis)}`}):null,a("span",{class:"bn-text"},r.show_value===!1?"":l)].filter(Boolean))}let o=r.icon;if(o){let i=typeof o=="object"?o.symbol:o,c=typeof o=="object"?o.color:null;e.prepend(a("span",{class:"bn-icon",role:"img","aria-label":o&&o.name||"icon",style:c?`color:${c}`:""},`${i} `))}return e}var y=`
.bn-matrix thead th { vertical-align: bottom; }
.bn-matrix thead th[scope="colgroup"] { text-align: center; border-bottom: 1px solid #cbd2d9; }
.bn-matrix thead th.bn-colsub, .bn-matrix td.bn-subtotal { font-weight: 600; background: #f1f4f8; }
.bn-matrix thead th.bn-coltotal { font-weight: 700; }
.bn-matrix thead .bn-expand { min-height: 24px; }
`;function v(){document.getElementById("bn-matrix-styles")||document.head.append(a("style",{id:"bn-matrix-styles"},y))}function S({model:e,el:r}){f(),v();let l=a("div",{class:"bn-visual bn-matrix-wrap"});r.append(l);let n=null;function o(s,p,d,t){let u=`${s}:${JSON.stringify(p)}`,x=s==="col"?"column ":"";return a("button",{type:"button",class:"bn-expand","aria-expanded":String(t),"aria-label":`${t?"Collapse":"Expand"} ${x}${d}`,"data-key":u,onclick:()=>{n=u,e.send({event:s==="col"?"toggle_column":"toggle",path:p})}},t?"\u25BE":"\u25B8")}function i(){let s=e.get("header_rows")||[];return s.map((p,d)=>a("tr",{},d===0?a("th",{scope:"col",rowspan:s.length,class:"bn-corner"},e.get("row_header")):null,p.map(t=>a("th",{scope:t.colspan>1?"colgroup":"col",colspan:t.colspan,rowspan:t.rowspan,class:`num${t.kind==="subtotal"?" bn-colsub":""}${t.kind==="total"?" bn-coltotal":""}`,"data-col-path":JSON.stringify(t.path),"data-kind":t.kind,"aria-label":t.aria_label},t.expandable?o("col",t.path,t.label,t.expanded):null,t.label))))}function c(){if(e.get("error")){l.replaceChildren(a("div",{class:"bn-error",role:"alert"},e.get("error")));return}let s=e.get("header")||[],p=(e.get("body")||[]).map(t=>{let u=t.expandable?o("row",t.path,t.label,t.expanded):null,x=a("th",{scope:"row",style:`padding-left:${10+t.level*20+(t.expandable?0:28)}px`},u,t.label);return a("tr",{class:t.total?"bn-total":"","data-level":t.level,"data-path":JSON.stringify(t.path)},x,t.cells.map((b,g)=>m(a("td",{class:`num${b.row_total?" bn-rowtotal":""}${b.subtotal?" bn-subtotal":""}`,"data-value":JSON.stringify(b.value),"data-measure":b.measure,"data-col-path":s[g]?JSON.stringify(s[g].path):null},b.text),b.style,b.text)))}),d=a("table",{class:"bn-matrix"},e.get("title")?a("caption",{},e.get("title")):null,a("thead",{},i()),a("tbody",{},p));if(l.replaceChildren(d),l.dataset.version=String(e.get("version")),n){let t=l.querySelector(`button[data-key='${CSS.escape(n)}']`);t&&t.focus(),n=null}}c(),e.on("change:version",c)}var O={render:S};export{O as default};
