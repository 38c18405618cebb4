function a(t,i={},...s){let n=document.createElement(t);for(let[e,r]of Object.entries(i))r==null||r===!1||(e.startsWith("on")?n.addEventListener(e.slice(2),r):e==="class"?n.className=r:e in n&&typeof r!="string"?n[e]=r:n.setAttribute(e,r===!0?"":String(r)));for(let e of s.flat())e==null||e===!1||n.append(e instanceof Node?e:document.createTextNode(String(e)));return n}var A=`
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
`;function u(){if(typeof document>"u"||document.getElementById("bn-visual-styles"))return;let t=document.createElement("style");t.id="bn-visual-styles",t.textContent=A,document.head.append(t)}var x=t=>`${(Math.max(0,Math.min(1,Number(t)||0))*100).toFixed(1)}%`;function y(t,i,s){if(!i)return t;u(),i.background&&(t.style.background=i.background),i.color&&(t.style.color=i.color),i["font-weight"]&&(t.style.fontWeight=i["font-weight"]),i["font-style"]&&(t.style.fontStyle=i["font-style"]);let n=i.bar;if(n&&typeof n=="object"){t.classList.add("bn-bar");let r=Math.min(n.start??0,n.end??0),l=Math.max(n.start??0,n.end??0);t.replaceChildren(...[a("span",{class:"bn-fill",style:`left:${x(r)};width:${x(l-r)};background:${n.color||"#56B4E9"}`}),n.axis!==void 0&&n.axis!==null&&n.axis>0&&n.axis<1?a("span",{class:"bn-axis",style:`left:${x(n.axis)}`}):null,a("span",{class:"bn-text"},i.show_value===!1?"":s)].filter(Boolean))}let e=i.icon;if(e){let r=typeof e=="object"?e.symbol:e,l=typeof e=="object"?e.color:null;t.prepend(a("span",{class:"bn-icon",role:"img","aria-label":e&&e.name||"icon",style:l?`color:${l}`:""},`${r} `))}return t}var g="http://www.w3.org/2000/svg";function N(t,i,s){let n=t.map((o,d)=>[d,o]).filter(([,o])=>o!=null);if(n.length<2)return null;let e=180,r=36,l=2,h=n.map(([,o])=>o),f=Math.min(...h),m=Math.max(...h),w=o=>l+o/(t.length-1)*(e-2*l),v=o=>r-l-(m===f?.5:(o-f)/(m-f))*(r-2*l),c=document.createElementNS(g,"svg");c.setAttribute("class","bn-kpi-spark"),c.setAttribute("viewBox",`0 0 ${e} ${r}`),c.setAttribute("width",String(e)),c.setAttribute("height",String(r)),c.setAttribute("role","img"),c.setAttribute("aria-label",`${s} trend from ${i[0]} to ${i[i.length-1]}`);let b=document.createElementNS(g,"path");b.setAttribute("d",n.map(([o,d],$)=>`${$?"L":"M"}${w(o).toFixed(1)},${v(d).toFixed(1)}`).join("")),b.setAttribute("fill","none"),b.setAttribute("stroke","#0072B2"),b.setAttribute("stroke-width","1.5");let[k,S]=n[n.length-1],p=document.createElementNS(g,"circle");return p.setAttribute("cx",w(k).toFixed(1)),p.setAttribute("cy",v(S).toFixed(1)),p.setAttribute("r","2.5"),p.setAttribute("fill","#0072B2"),c.append(b,p),c}function E({model:t,el:i}){u();let s=a("div",{class:"bn-visual bn-kpi",role:"group"});i.append(s);function n(){let e=t.get("label");if(s.setAttribute("aria-label",`${e}: ${t.get("text")} ${t.get("delta_text")}`.trim()),t.get("error"))s.replaceChildren(a("div",{class:"bn-kpi-label"},e),a("div",{class:"bn-error",role:"alert"},t.get("error")));else{let r=a("div",{class:"bn-kpi-value","data-value":JSON.stringify(t.get("value"))},t.get("text"));y(r,t.get("value_style"),t.get("text"));let l=t.get("trend");s.replaceChildren(...[a("div",{class:"bn-kpi-label"},e),r,t.get("delta_text")?a("div",{class:`bn-kpi-delta bn-${l}`,"data-compare":JSON.stringify(t.get("compare_value"))},t.get("delta_text")):null,N(t.get("spark")||[],t.get("spark_labels")||[],e)].filter(Boolean))}s.dataset.version=String(t.get("version"))}n(),t.on("change:version",n)}var O={render:E};export{O as default};
