function f(){return globalThis.__bnVegaEmbed?Promise.resolve(globalThis.__bnVegaEmbed):new Promise(n=>{globalThis.addEventListener("bn-vega-ready",()=>n(globalThis.__bnVegaEmbed),{once:!0})})}function o(n,l={},...s){let r=document.createElement(n);for(let[t,i]of Object.entries(l))i==null||i===!1||(t.startsWith("on")?r.addEventListener(t.slice(2),i):t==="class"?r.className=i:t in r&&typeof i!="string"?r[t]=i:r.setAttribute(t,i===!0?"":String(i)));for(let t of s.flat())t==null||t===!1||r.append(t instanceof Node?t:document.createTextNode(String(t)));return r}var m=`
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
`;function g(){if(document.getElementById("bn-insights-style"))return;let n=document.createElement("style");n.id="bn-insights-style",n.textContent=m,document.head.append(n)}function v({model:n,el:l}){g();let s=o("section",{class:"bn-insights","aria-live":"polite"});l.append(s);let r=[];async function t(){r.forEach(e=>e.finalize()),r=[];let i=n.get("cards")||[],u=n.get("threshold"),p=o("h2",{},n.get("title")),d=n.get("error");if(s.setAttribute("aria-label",n.get("title")),d){s.replaceChildren(p,o("div",{class:"bn-error",role:"alert"},d));return}let b=i.map(e=>{let a=o("div",{class:"bn-insight-chart",role:"img","aria-label":`Chart: ${e.description}`}),c=e.score>=u;return{card:o("li",{class:`bn-insight ${c?"bn-strong":"bn-weak"}`,"data-kind":e.kind,"data-score":String(e.score)},o("div",{class:"bn-insight-head"},o("span",{class:"bn-insight-kind"},e.label),o("span",{class:`bn-score ${c?"bn-strong":""}`,title:"significance, 0 to 1","aria-label":`significance ${e.score.toFixed(2)} of 1${c?", strong":""}`},e.score.toFixed(2))),o("p",{class:"bn-insight-text"},e.description),a),chart:a,spec:e.chart}}),h=o("ul",{class:"bn-insight-list","aria-label":`${i.length} insights`},b.map(e=>e.card));s.replaceChildren(p,i.length?h:o("p",{class:"bn-empty-note"},"No insight stands out.")),s.dataset.version=String(n.get("version"));let x=await f();for(let e of b)if(!(!e.spec||!Object.keys(e.spec).length))try{let a=await x(e.chart,e.spec,{actions:!1,renderer:"svg"});r.push(a.view)}catch(a){e.chart.append(o("div",{class:"bn-error"},String(a)))}s.dataset.charts=String(r.length)}return t(),n.on("change:version",t),()=>r.forEach(i=>i.finalize())}var z={render:v};export{z as default};
