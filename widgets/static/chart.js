function k(){return globalThis.__bnVegaEmbed?Promise.resolve(globalThis.__bnVegaEmbed):new Promise(t=>{globalThis.addEventListener("bn-vega-ready",()=>t(globalThis.__bnVegaEmbed),{once:!0})})}function o(t,p={},...r){let c=document.createElement(t);for(let[n,a]of Object.entries(p))a==null||a===!1||(n.startsWith("on")?c.addEventListener(n.slice(2),a):n==="class"?c.className=a:n in c&&typeof a!="string"?c[n]=a:c.setAttribute(n,a===!0?"":String(a)));for(let n of r.flat())n==null||n===!1||c.append(n instanceof Node?n:document.createTextNode(String(n)));return c}var C=`
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
`;function S(){if(typeof document>"u"||document.getElementById("bn-visual-styles"))return;let t=document.createElement("style");t.id="bn-visual-styles",t.textContent=C,document.head.append(t)}function E(t,p){return!t||t.length<2?null:o("nav",{class:"bn-crumbs","aria-label":"Drill path"},o("ol",{},t.map((r,c)=>o("li",{},c===t.length-1?o("span",{"aria-current":"location","data-level":r.level},r.label):o("button",{type:"button","data-level":r.level,"aria-label":`Drill up to ${r.label}`,onclick:()=>p({event:"crumb",level:r.level})},r.label)))))}function d(t,p,r){return o("button",{type:"button",class:"bn-chart-btn",...p,onclick:r},t)}function $({model:t,el:p}){S();let r=e=>t.send(e),c=o("div",{class:"bn-chart-bar",role:"toolbar","aria-label":"Chart controls"}),n=o("div",{class:"bn-chart-plot"}),a=o("div",{class:"bn-chart-status",role:"status","aria-live":"polite"}),x=o("div",{class:"bn-visual bn-chart",role:"figure"},c,n,a);p.append(x);let l=null,h=Promise.resolve(),m=()=>t.get("selection")||[];function v(e,u){let i=e?e.__bn_member:void 0;if(i===void 0)return;if(u&&u.type==="contextmenu"){t.get("through_label")&&r({event:"through",member:i});return}if(t.get("drill_mode")&&t.get("can_down")){r({event:"down",member:i});return}let b=m(),s=u&&(u.shiftKey||u.ctrlKey||u.metaKey),f;b.includes(i)?f=s?b.filter(z=>z!==i):b.length===1?[]:[i]:f=s?[...b,i]:[i],w(f)}function w(e){t.set("selection",e),r({event:"select",members:e})}function g(){x.setAttribute("aria-label",t.get("title")||"Chart");let e=m(),u=t.get("levels")>1,i=[E(t.get("breadcrumb"),r)];t.get("context_label")&&i.unshift(d(`${t.get("context_label")} \u2715`,{"data-action":"clear-context","aria-label":`Remove drill-through filter ${t.get("context_label")}`},()=>r({event:"clear_context"}))),u&&(i.push(d("Up",{"data-action":"up",disabled:!t.get("can_up"),"aria-label":"Drill up one level"},()=>r({event:"up"}))),i.push(d("Drill on click",{"data-action":"mode","aria-pressed":String(t.get("drill_mode")),title:"When on, a click on a bar shows the next level; when off, it selects (cross-filters)"},()=>{t.set("drill_mode",!t.get("drill_mode")),t.save_changes()}))),t.get("through_label")&&i.push(d(t.get("through_label"),{"data-action":"through",disabled:e.length!==1,title:"Select one bar (with Drill on click off), or right-click a bar"},()=>r({event:"through",member:e[0]}))),i.push(d("Clear selection",{"data-action":"clear",hidden:e.length===0},()=>w([]))),c.replaceChildren(...i.filter(Boolean));let b=t.get("through_url"),s=[];e.length&&s.push(`Selected: ${e.map(f=>t.get("member_labels")[f]||f).join(", ")}`),a.replaceChildren(s.join(" \xB7 "),b?o("a",{class:"bn-chart-link",href:b,target:"_blank",rel:"noopener"},` Open ${t.get("through_target")} \u203A`):""),t.get("error")&&a.replaceChildren(o("span",{class:"bn-error",role:"alert"},t.get("error")))}async function T(){let e=t.get("spec");if(l&&(l.finalize(),l=null),!e||!Object.keys(e).length){n.replaceChildren();return}l=(await(await k())(n,e,{actions:!1,renderer:"svg",tooltip:!0})).view,n.bnView=l,l.addEventListener("click",(b,s)=>v(s&&s.datum,b)),l.addEventListener("contextmenu",(b,s)=>{s&&s.datum&&s.datum.__bn_member!==void 0&&(b.preventDefault(),v(s.datum,b))}),await y(),n.dataset.version=String(t.get("version")),x.dataset.version=String(t.get("version"))}async function y(){if(l)try{await l.signal("bn_sel",m()).runAsync()}catch{}}let _=()=>{h=h.then(T).catch(e=>{a.textContent=String(e)})};g(),_(),t.on("change:version",()=>{g(),_()}),t.on("change:selection",()=>{g(),h=h.then(y)});for(let e of["drill_mode","breadcrumb","through_url","error","title","context_label"])t.on(`change:${e}`,g);if(typeof ResizeObserver<"u"){let e=0;new ResizeObserver(()=>{l&&Math.abs(n.clientWidth-e)>4&&(e=n.clientWidth,l.resize().runAsync())}).observe(n)}return()=>{l&&l.finalize()}}var I={render:$};export{I as default};
