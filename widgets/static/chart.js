function j(){return globalThis.__bnVegaEmbed?Promise.resolve(globalThis.__bnVegaEmbed):new Promise(e=>{globalThis.addEventListener("bn-vega-ready",()=>e(globalThis.__bnVegaEmbed),{once:!0})})}function n(e,p={},...a){let l=document.createElement(e);for(let[o,i]of Object.entries(p))i==null||i===!1||(o.startsWith("on")?l.addEventListener(o.slice(2),i):o==="class"?l.className=i:o in l&&typeof i!="string"?l[o]=i:l.setAttribute(o,i===!0?"":String(i)));for(let o of a.flat())o==null||o===!1||l.append(o instanceof Node?o:document.createTextNode(String(o)));return l}var R=`
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
`;function B(){if(typeof document>"u"||document.getElementById("bn-visual-styles"))return;let e=document.createElement("style");e.id="bn-visual-styles",e.textContent=R,document.head.append(e)}function A(e,p){return!e||e.length<2?null:n("nav",{class:"bn-crumbs","aria-label":"Drill path"},n("ol",{},e.map((a,l)=>n("li",{},l===e.length-1?n("span",{"aria-current":"location","data-level":a.level},a.label):n("button",{type:"button","data-level":a.level,"aria-label":`Drill up to ${a.label}`,onclick:()=>p({event:"crumb",level:a.level})},a.label)))))}function h(e,p,a){return n("button",{type:"button",class:"bn-chart-btn",...p,onclick:a},e)}var U=`
.bn-explain { margin: 6px 0; padding: 10px 12px; border: 1px solid #cbd2d9; border-radius: 8px; background: #f8fafc;
  max-width: 720px; box-sizing: border-box; }
.bn-explain:focus { outline: 2px solid #2f6fde; outline-offset: 1px; }
.bn-explain-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.bn-explain-head h3 { margin: 0; font-size: 14px; font-weight: 600; }
.bn-explain-close { min-width: 32px; min-height: 32px; border: 1px solid transparent; border-radius: 6px; background: none;
  cursor: pointer; font: inherit; font-size: 16px; color: #3e4c59; }
.bn-explain-close:hover { border-color: #9aa5b1; }
.bn-explain-close:focus-visible { outline: 2px solid #2f6fde; }
.bn-explain-sentence { margin: 6px 0 8px; }
.bn-explain table { border-collapse: collapse; width: 100%; margin: 0 0 8px; font-variant-numeric: tabular-nums; }
.bn-explain caption { text-align: left; font-weight: 600; font-size: 13px; color: #3e4c59; padding: 2px 0 4px; }
.bn-explain th, .bn-explain td { padding: 3px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; font-size: 13px; }
.bn-explain thead th, .bn-explain thead th.num { color: #52606d; font-weight: 600; border-bottom-color: #cbd2d9; white-space: normal;
  vertical-align: bottom; }
.bn-explain-note { margin: -4px 0 8px; font-size: 12px; color: #52606d; }
@media (max-width: 600px) { .bn-explain { padding: 8px; } .bn-explain th, .bn-explain td { padding: 3px 4px; } }
.bn-explain tbody th { font-weight: 400; }
.bn-explain .num { text-align: right; white-space: nowrap; }
.bn-explain .bn-up { color: #0a7d3e; }
.bn-explain .bn-down { color: #b3261e; }
.bn-explain .bn-error { color: #b3261e; }
.bn-menu { position: fixed; z-index: 1000; min-width: 180px; max-height: 50vh; overflow-y: auto; padding: 4px 0;
  background: #fff; border: 1px solid #9aa5b1; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.18);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
.bn-menu-item { display: block; width: 100%; min-height: 32px; padding: 4px 14px; border: none; background: none;
  text-align: left; font: inherit; color: #1f2933; cursor: pointer; }
.bn-menu-item:hover, .bn-menu-item:focus { background: #e6efff; outline: none; }
`;function z(){if(typeof document>"u"||document.getElementById("bn-explain-styles"))return;let e=n("style",{id:"bn-explain-styles"});e.textContent=U,document.head.append(e)}function J(e){let[p,a,l]=e.headers,o=e.note?n("p",{class:"bn-explain-note"},e.note):null;return[n("table",{"data-comparison":e.key},n("caption",{},e.title),n("thead",{},n("tr",{},n("th",{scope:"col"},p),n("th",{scope:"col",class:"num"},a),n("th",{scope:"col",class:"num"},l))),n("tbody",{},e.drivers.map(i=>n("tr",{"data-dimension":i.dimension},n("th",{scope:"row"},`${i.dimension_label}: ${i.label}`),n("td",{class:`num ${i.contribution>0?"bn-up":i.contribution<0?"bn-down":""}`,"data-value":JSON.stringify(i.contribution)},i.contribution_text),n("td",{class:"num","data-value":JSON.stringify(i.share)},i.share_text))))),o]}function P(e,p){if(!e||!e.status)return null;z();let a=n("button",{type:"button",class:"bn-explain-close","data-action":"close-explain","aria-label":"Close explanation",title:"Close"},"\u2715");a.addEventListener("click",p);let l=[];return e.status==="working"?l.push(n("p",{class:"bn-explain-sentence",role:"status"},`Explaining ${e.label}\u2026`)):e.status==="error"?l.push(n("p",{class:"bn-explain-sentence bn-error",role:"alert"},e.error)):l.push(n("p",{class:"bn-explain-sentence"},e.sentence),...(e.comparisons||[]).flatMap(J)),n("section",{class:"bn-explain",role:"region",tabindex:"-1","aria-label":e.title,"data-status":e.status,"data-member":JSON.stringify(e.member)},n("div",{class:"bn-explain-head"},n("h3",{},e.title),a),l)}var k=null;function m(e=!1){if(!k)return;let{node:p,returnTo:a,onOutside:l}=k;k=null,document.removeEventListener("pointerdown",l,!0),p.remove(),e&&a&&a.isConnected&&a.focus()}function $({label:e,items:p,at:a,returnTo:l}){if(m(),!p.length)return null;z();let o=p.map(r=>n("button",{type:"button",role:"menuitem",class:"bn-menu-item",tabindex:"-1","data-action":r.action||"","data-member":r.member===void 0?null:String(r.member),onclick:()=>{m(!1),r.onselect()}},r.label)),i=n("div",{class:"bn-menu",role:"menu","aria-label":e},o);i.addEventListener("keydown",r=>{let f=o.indexOf(document.activeElement),g={ArrowDown:f+1,ArrowUp:f-1,Home:0,End:o.length-1}[r.key];g!==void 0?(r.preventDefault(),o[(g+o.length)%o.length].focus()):(r.key==="Escape"||r.key==="Tab")&&(r.preventDefault(),m(!0))}),document.body.append(i);let v=i.getBoundingClientRect();i.style.left=`${Math.max(4,Math.min(a.x,window.innerWidth-v.width-4))}px`,i.style.top=`${Math.max(4,Math.min(a.y,window.innerHeight-v.height-4))}px`;let x=r=>{i.contains(r.target)||m(!1)};return document.addEventListener("pointerdown",x,!0),k={node:i,returnTo:l,onOutside:x},o[0].focus(),i}function V({model:e,el:p}){B();let a=t=>e.send(t),l=n("div",{class:"bn-chart-bar",role:"toolbar","aria-label":"Chart controls"}),o=n("div",{class:"bn-chart-plot"}),i=n("div",{class:"bn-chart-status",role:"status","aria-live":"polite"}),v=n("div",{class:"bn-chart-explain"}),x=n("div",{class:"bn-visual bn-chart",role:"figure"},l,o,v,i);p.append(x);let r=null,f=Promise.resolve(),g=!1,_=()=>e.get("selection")||[],S=t=>e.get("member_labels")[t]||String(t);function E(t){g=!0,a({event:"explain",member:t})}function W(t,c){let s=[];e.get("can_explain")&&s.push({label:"Explain this",action:"explain",onselect:()=>E(t)}),e.get("through_label")&&s.push({label:e.get("through_label"),action:"through",onselect:()=>a({event:"through",member:t})}),$({label:`Actions for ${S(t)}`,items:s,at:{x:c.clientX,y:c.clientY},returnTo:l.querySelector("[data-action='explain']")})}function T(t,c){let s=t?t.__bn_member:void 0;if(s===void 0)return;if(c&&c.type==="contextmenu"){e.get("can_explain")?W(s,c):e.get("through_label")&&a({event:"through",member:s});return}if(e.get("drill_mode")&&e.get("can_down")){a({event:"down",member:s});return}let u=_(),b=c&&(c.shiftKey||c.ctrlKey||c.metaKey),d;u.includes(s)?d=b?u.filter(w=>w!==s):u.length===1?[]:[s]:d=b?[...u,s]:[s],M(d)}function M(t){e.set("selection",t),a({event:"select",members:t})}function y(){x.setAttribute("aria-label",e.get("title")||"Chart");let t=_(),c=e.get("levels")>1,s=[A(e.get("breadcrumb"),a)];if(e.get("context_label")&&s.unshift(h(`${e.get("context_label")} \u2715`,{"data-action":"clear-context","aria-label":`Remove drill-through filter ${e.get("context_label")}`},()=>a({event:"clear_context"}))),c&&(s.push(h("Up",{"data-action":"up",disabled:!e.get("can_up"),"aria-label":"Drill up one level"},()=>a({event:"up"}))),s.push(h("Drill on click",{"data-action":"mode","aria-pressed":String(e.get("drill_mode")),title:"When on, a click on a bar shows the next level; when off, it selects (cross-filters)"},()=>{e.set("drill_mode",!e.get("drill_mode")),e.save_changes()}))),e.get("through_label")&&s.push(h(e.get("through_label"),{"data-action":"through",disabled:t.length!==1,title:"Select one bar (with Drill on click off), or right-click a bar"},()=>a({event:"through",member:t[0]}))),e.get("can_explain")){let d=t.length===1,w=h("Explain",{"data-action":"explain","aria-haspopup":d?null:"menu","aria-label":d?`Explain ${S(t[0])}`:"Explain a mark (choose from a list)",title:"What drives this mark's difference from the one before it and from the whole chart"},()=>{if(d){E(t[0]);return}let N=w.getBoundingClientRect();$({label:"Explain which mark?",at:{x:N.left,y:N.bottom+2},returnTo:w,items:(e.get("members")||[]).map(C=>({label:S(C),action:"explain-member",member:C,onselect:()=>E(C)}))})});s.push(w)}s.push(h("Clear selection",{"data-action":"clear",hidden:t.length===0},()=>M([]))),l.replaceChildren(...s.filter(Boolean));let u=e.get("through_url"),b=[];t.length&&b.push(`Selected: ${t.map(d=>e.get("member_labels")[d]||d).join(", ")}`),i.replaceChildren(b.join(" \xB7 "),u?n("a",{class:"bn-chart-link",href:u,target:"_blank",rel:"noopener"},` Open ${e.get("through_target")} \u203A`):""),e.get("error")&&i.replaceChildren(n("span",{class:"bn-error",role:"alert"},e.get("error")))}function O(){let t=e.get("explanation")||{},c=P(t,()=>{a({event:"close_explain"});let s=l.querySelector("[data-action='explain']");s&&s.focus()});v.replaceChildren(...c?[c]:[]),c&&g&&t.status!=="working"&&(g=!1,c.focus())}async function I(){let t=e.get("spec");if(r&&(r.finalize(),r=null),!t||!Object.keys(t).length){o.replaceChildren();return}r=(await(await j())(o,t,{actions:!1,renderer:"svg",tooltip:!0})).view,o.bnView=r,r.addEventListener("click",(u,b)=>T(b&&b.datum,u)),r.addEventListener("contextmenu",(u,b)=>{b&&b.datum&&b.datum.__bn_member!==void 0&&(u.preventDefault(),T(b.datum,u))}),await D(),o.dataset.version=String(e.get("version")),x.dataset.version=String(e.get("version"))}async function D(){if(r)try{await r.signal("bn_sel",_()).runAsync()}catch{}}let L=()=>{f=f.then(I).catch(t=>{i.textContent=String(t)})};y(),O(),L(),e.on("change:version",()=>{y(),L()}),e.on("change:selection",()=>{y(),f=f.then(D)});for(let t of["drill_mode","breadcrumb","through_url","error","title","context_label","can_explain","members"])e.on(`change:${t}`,y);if(e.on("change:explanation",O),typeof ResizeObserver<"u"){let t=0;new ResizeObserver(()=>{r&&Math.abs(o.clientWidth-t)>4&&(t=o.clientWidth,r.resize().runAsync())}).observe(o)}return()=>{m(),r&&r.finalize()}}var le={render:V};export{le as default};
